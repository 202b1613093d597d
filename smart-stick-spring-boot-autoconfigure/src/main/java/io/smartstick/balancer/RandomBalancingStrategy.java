package io.smartstick.balancer;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Weighted random: a backend with weight 3 is three times as likely to be chosen as one
 * with weight 1. Cumulative weights are computed once per pool, so a pick is a binary
 * search.
 *
 * @author smart-stick
 */
public class RandomBalancingStrategy implements BalancingStrategy {

	private volatile CumulativeWeights weights;

	@Override
	public String name() {
		return BalancingStrategies.RANDOM;
	}

	@Override
	public Backend choose(List<Backend> candidates) {
		if (candidates.isEmpty()) {
			return null;
		}
		CumulativeWeights weights = this.weights;
		if (weights == null || weights.candidates != candidates) {
			weights = new CumulativeWeights(candidates);
			this.weights = weights;
		}
		long ticket = ThreadLocalRandom.current().nextLong(weights.total);
		int index = Arrays.binarySearch(weights.upperBounds, ticket);
		// exact hit on an upper bound belongs to the next backend; a miss gives -(insertion) - 1
		index = (index >= 0) ? index + 1 : -index - 1;
		return candidates.get(index);
	}

	private static final class CumulativeWeights {

		private final List<Backend> candidates;

		private final long[] upperBounds;

		private final long total;

		CumulativeWeights(List<Backend> candidates) {
			this.candidates = candidates;
			this.upperBounds = new long[candidates.size()];
			long sum = 0;
			for (int i = 0; i < this.upperBounds.length; i++) {
				sum += Math.max(1, candidates.get(i).weight());
				this.upperBounds[i] = sum;
			}
			this.total = sum;
		}

	}

}
