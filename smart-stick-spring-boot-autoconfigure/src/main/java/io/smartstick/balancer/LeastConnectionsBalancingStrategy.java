package io.smartstick.balancer;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks the backend with the fewest in-flight requests relative to its weight. The scan
 * starts at a rotating offset, so ties are shared out instead of always going to the
 * first backend.
 *
 * @author smart-stick
 */
public class LeastConnectionsBalancingStrategy implements BalancingStrategy {

	private final AtomicInteger rotation = new AtomicInteger();

	@Override
	public String name() {
		return BalancingStrategies.LEAST_CONNECTIONS;
	}

	@Override
	public Backend choose(List<Backend> candidates) {
		int size = candidates.size();
		if (size == 0) {
			return null;
		}
		int start = Math.floorMod(this.rotation.getAndIncrement(), size);
		Backend best = candidates.get(start);
		long bestActive = best.activeConnections();
		for (int i = 1; i < size; i++) {
			Backend candidate = candidates.get((start + i) % size);
			long active = candidate.activeConnections();
			// active / weight < bestActive / bestWeight, without division
			if (active * best.weight() < bestActive * candidate.weight()) {
				best = candidate;
				bestActive = active;
			}
		}
		return best;
	}

}
