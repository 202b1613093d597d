package io.smartstick.balancer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one place backend state lives. The request path reads it without locks through an
 * immutable {@link BackendPool} snapshot; health results, admin actions and membership
 * changes (backends added, removed or re-weighted while traffic flows) change it, each
 * change making a new snapshot, and each is handed to the registry's listeners (which
 * publish it as an event).
 *
 * @author smart-stick
 */
public class BackendRegistry {

	private final Object monitor = new Object();

	private final Consumer<BackendStateChange> listener;

	private final Consumer<AdminStateChange> adminListener;

	private final Consumer<MembershipChange> membershipListener;

	private volatile BackendPool pool;

	/**
	 * Create a registry of the given backends.
	 * @param backends the backends, ids unique
	 * @param listener told of every change of a backend's health state
	 */
	public BackendRegistry(List<Backend> backends, Consumer<BackendStateChange> listener) {
		this(backends, listener, (change) -> {
		});
	}

	/**
	 * Create a registry of the given backends.
	 * @param backends the backends, ids unique
	 * @param listener told of every change of a backend's health state
	 * @param adminListener told of every change of a backend's admin state
	 */
	public BackendRegistry(List<Backend> backends, Consumer<BackendStateChange> listener,
			Consumer<AdminStateChange> adminListener) {
		this(backends, listener, adminListener, (change) -> {
		});
	}

	/**
	 * Create a registry of the given backends.
	 * @param backends the backends, ids and keys unique
	 * @param listener told of every change of a backend's health state
	 * @param adminListener told of every change of a backend's admin state
	 * @param membershipListener told of every change of the backend list that did
	 * something
	 */
	public BackendRegistry(List<Backend> backends, Consumer<BackendStateChange> listener,
			Consumer<AdminStateChange> adminListener, Consumer<MembershipChange> membershipListener) {
		checkUnique(backends);
		this.pool = new BackendPool(backends);
		this.listener = listener;
		this.adminListener = adminListener;
		this.membershipListener = membershipListener;
	}

	/**
	 * Replace the backend list with a new one, in one new snapshot. A backend is the same
	 * as one already in the pool when it has the same {@link Backend#idValue() key} and
	 * URL: that one stays, with its state and counters, and takes the new one's weight,
	 * owner, health settings and serving flag. Every other backend of the list is added; when
	 * {@code awaitFirstCheck}, it takes no client until its first passing health check.
	 * Every backend of the pool not in the list is removed: it takes no new request, its
	 * requests in flight finish, and whoever drains it calls {@link Backend#retire()}.
	 * @param backends the new list, in order, ids and keys unique
	 * @param awaitFirstCheck whether added backends wait for a passing health check
	 * @return what changed; the membership listener is told when anything did
	 * @throws IllegalArgumentException if two backends share an id or a key
	 */
	public MembershipChange replaceBackends(List<Backend> backends, boolean awaitFirstCheck) {
		checkUnique(backends);
		MembershipChange change;
		synchronized (this.monitor) {
			Map<String, Backend> current = new HashMap<>();
			for (Backend backend : this.pool.all()) {
				current.put(backend.idValue(), backend);
			}
			List<Backend> next = new ArrayList<>(backends.size());
			List<Backend> added = new ArrayList<>();
			List<Backend> updated = new ArrayList<>();
			for (Backend definition : backends) {
				Backend existing = current.get(definition.idValue());
				if (existing != null && existing.url().equals(definition.url()) && existing.id() == definition.id()) {
					current.remove(definition.idValue());
					if (existing.updateSettings(definition)) {
						updated.add(existing);
					}
					next.add(existing);
				}
				else {
					if (awaitFirstCheck) {
						definition.updateHealth(BackendHealth.AWAITING_CHECK);
					}
					added.add(definition);
					next.add(definition);
				}
			}
			List<Backend> removed = new ArrayList<>();
			for (Backend backend : this.pool.all()) {
				if (current.get(backend.idValue()) == backend) {
					backend.markRemoved();
					removed.add(backend);
				}
			}
			String name = next.isEmpty() ? (removed.isEmpty() ? "" : removed.get(0).pool()) : next.get(0).pool();
			change = new MembershipChange(name, added, removed, updated);
			if (change.isEmpty()) {
				return change;
			}
			this.pool = new BackendPool(next);
		}
		this.membershipListener.accept(change);
		return change;
	}

	private boolean contains(Backend backend) {
		return (backend.hasNumericKey() ? this.pool.find(backend.id()) : this.pool.find(backend.idValue())) == backend;
	}

	private static void checkUnique(List<Backend> backends) {
		Map<String, Backend> byKey = new HashMap<>();
		Map<Integer, Backend> byId = new HashMap<>();
		for (Backend backend : backends) {
			if (byKey.put(backend.idValue(), backend) != null || byId.put(backend.id(), backend) != null) {
				throw new IllegalArgumentException("Two backends share the id or key of " + backend);
			}
		}
	}

	/**
	 * Change a backend's admin state. The pool is rebuilt and the admin listener told once
	 * when the state changes.
	 * @param backend the backend
	 * @param state the new admin state
	 * @return {@code true} if the state changed
	 */
	public boolean updateAdminState(Backend backend, AdminState state) {
		AdminStateChange change;
		synchronized (this.monitor) {
			AdminState previous = backend.adminState();
			if (previous == state || !contains(backend)) {
				return false;
			}
			backend.updateAdminState(state);
			this.pool = new BackendPool(this.pool.all());
			change = new AdminStateChange(backend, previous, state);
		}
		this.adminListener.accept(change);
		return true;
	}

	/**
	 * Return every backend, in configuration order.
	 * @return an immutable list
	 */
	public List<Backend> all() {
		return this.pool.all();
	}

	/**
	 * Return the backends that can take new clients: healthy, ready and with a positive
	 * weight.
	 * The same list instance is returned until the pool changes.
	 * @return an immutable list, empty when none is available
	 */
	public List<Backend> available() {
		return this.pool.available();
	}

	/**
	 * Return the backend with the given id.
	 * @param id the id
	 * @return the backend or {@code null} if there is none
	 */
	public Backend find(int id) {
		return this.pool.find(id);
	}

	/**
	 * Return the backend with the given key, for backends that have one other than their
	 * id (see {@link Backend#hasNumericKey()}).
	 * @param key the key
	 * @return the backend or {@code null} if there is none
	 */
	public Backend find(String key) {
		return this.pool.find(key);
	}

	/**
	 * Record the result of a health decision. When the backend's healthy flag changes, the
	 * pool is rebuilt and the listener is told once.
	 * @param backend the backend
	 * @param healthy whether it is healthy now
	 * @param cause why, for operators
	 * @param time when the decision was made
	 * @return {@code true} if the healthy flag changed
	 */
	public boolean updateHealth(Backend backend, boolean healthy, String cause, Instant time) {
		BackendStateChange change = null;
		synchronized (this.monitor) {
			BackendHealth previous = backend.health();
			backend.updateHealth(new BackendHealth(healthy, cause, time));
			if (previous.healthy() != healthy && contains(backend)) {
				this.pool = new BackendPool(this.pool.all());
				change = new BackendStateChange(backend, previous.healthy(), healthy, cause, time,
						previous.lastChecked() == null);
			}
		}
		if (change != null) {
			this.listener.accept(change);
			return true;
		}
		return false;
	}

}
