package io.smartstick.balancer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Immutable snapshot of the backends: every backend, looked up by id without allocation,
 * and the ones that can take new clients. A new snapshot replaces the old one whenever a
 * backend's state changes, so readers never lock.
 *
 * @author smart-stick
 */
final class BackendPool {

	private static final int MAX_DIRECT_INDEX = 1 << 16;

	private final List<Backend> all;

	private final List<Backend> available;

	private final Backend[] direct;

	private final int[] sortedIds;

	private final Map<String, Backend> byKey;

	private final Backend[] sortedBackends;

	BackendPool(List<Backend> all) {
		this.all = List.copyOf(all);
		List<Backend> available = new ArrayList<>(all.size());
		Map<String, Backend> byKey = null;
		int maxId = -1;
		for (Backend backend : all) {
			if (backend.takesNewClients()) {
				available.add(backend);
			}
			maxId = Math.max(maxId, backend.id());
			if (!backend.hasNumericKey()) {
				byKey = (byKey != null) ? byKey : new HashMap<>();
				byKey.put(backend.idValue(), backend);
			}
		}
		this.byKey = (byKey != null) ? byKey : Map.of();
		this.available = List.copyOf(available);
		if (maxId < MAX_DIRECT_INDEX) {
			this.direct = new Backend[maxId + 1];
			for (Backend backend : all) {
				this.direct[backend.id()] = backend;
			}
			this.sortedIds = null;
			this.sortedBackends = null;
		}
		else {
			this.direct = null;
			this.sortedBackends = all.toArray(new Backend[0]);
			Arrays.sort(this.sortedBackends, Comparator.comparingInt(Backend::id));
			this.sortedIds = Arrays.stream(this.sortedBackends).mapToInt(Backend::id).toArray();
		}
	}

	List<Backend> all() {
		return this.all;
	}

	List<Backend> available() {
		return this.available;
	}

	Backend find(String key) {
		return this.byKey.get(key);
	}

	Backend find(int id) {
		if (id < 0) {
			return null;
		}
		if (this.direct != null) {
			return (id < this.direct.length) ? this.direct[id] : null;
		}
		int index = Arrays.binarySearch(this.sortedIds, id);
		return (index >= 0) ? this.sortedBackends[index] : null;
	}

}
