package io.smartstick.balancer;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks the backend with the fewest in-flight requests relative to its weight. Up to
 * {@value #EXACT_SCAN_LIMIT} candidates are all compared, starting at a rotating offset so
 * that ties are shared out instead of always going to the first backend. Larger pools
 * compare two candidates drawn at random and take the less loaded ("the power of two
 * choices", as Envoy's least-request and nginx's {@code random two least_conn} do): a
 * choice in constant time whatever the pool's size, which keeps the load almost as even as
 * a full scan and never sends a new client to the most loaded backend.
 *
 * @author smart-stick
 */
public class LeastConnectionsBalancingStrategy implements BalancingStrategy {

	/**
	 * Largest number of candidates compared exhaustively.
	 */
	public static final int EXACT_SCAN_LIMIT = 32;

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
		if (size > EXACT_SCAN_LIMIT) {
			return lessLoadedOfTwo(candidates, size);
		}
		int start = Math.floorMod(this.rotation.getAndIncrement(), size);
		Backend best = candidates.get(start);
		for (int i = 1; i < size; i++) {
			int index = start + i;
			Backend candidate = candidates.get((index < size) ? index : index - size);
			if (lessLoaded(candidate, best)) {
				best = candidate;
			}
		}
		return best;
	}

	private static Backend lessLoadedOfTwo(List<Backend> candidates, int size) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int first = random.nextInt(size);
		int second = random.nextInt(size - 1);
		if (second >= first) {
			second++;
		}
		Backend a = candidates.get(first);
		Backend b = candidates.get(second);
		return lessLoaded(b, a) ? b : a;
	}

	/**
	 * Whether {@code candidate} has fewer in-flight requests per unit of weight than
	 * {@code best}: active / weight compared without division.
	 */
	private static boolean lessLoaded(Backend candidate, Backend best) {
		return (long) candidate.activeConnections() * best.weight() < (long) best.activeConnections()
				* candidate.weight();
	}

}
