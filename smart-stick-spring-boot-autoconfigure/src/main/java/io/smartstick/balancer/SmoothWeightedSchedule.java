package io.smartstick.balancer;

import java.util.List;

/**
 * The order in which smooth weighted round robin visits a set of backends, as computed by
 * nginx's algorithm: each step every backend gains its weight, the one with the most
 * credit is picked and pays back the total. Weights are reduced by their greatest common
 * divisor and, if their sum is very large, scaled down so the order stays small.
 *
 * @author smart-stick
 */
final class SmoothWeightedSchedule {

	private static final int MAX_LENGTH = 8192;

	private final List<Backend> candidates;

	private final Backend[] order;

	SmoothWeightedSchedule(List<Backend> candidates) {
		this.candidates = candidates;
		int[] weights = weights(candidates);
		int total = 0;
		for (int weight : weights) {
			total += weight;
		}
		this.order = new Backend[total];
		long[] credit = new long[weights.length];
		for (int step = 0; step < total; step++) {
			int best = 0;
			for (int i = 0; i < weights.length; i++) {
				credit[i] += weights[i];
				if (credit[i] > credit[best]) {
					best = i;
				}
			}
			credit[best] -= total;
			this.order[step] = candidates.get(best);
		}
	}

	private static int[] weights(List<Backend> candidates) {
		int[] weights = new int[candidates.size()];
		int gcd = 0;
		long total = 0;
		for (int i = 0; i < weights.length; i++) {
			weights[i] = Math.max(1, candidates.get(i).weight());
			gcd = gcd(gcd, weights[i]);
			total += weights[i];
		}
		total /= gcd;
		long limit = Math.max(MAX_LENGTH, weights.length);
		for (int i = 0; i < weights.length; i++) {
			weights[i] /= gcd;
			if (total > limit) {
				weights[i] = (int) Math.max(1, weights[i] * limit / total);
			}
		}
		return weights;
	}

	private static int gcd(int a, int b) {
		while (b != 0) {
			int t = a % b;
			a = b;
			b = t;
		}
		return a;
	}

	List<Backend> candidates() {
		return this.candidates;
	}

	Backend at(long position) {
		return this.order[(int) Long.remainderUnsigned(position, this.order.length)];
	}

}
