package io.smartstick.balancer;

import java.util.List;
import java.util.PriorityQueue;

/**
 * The order in which smooth weighted round robin visits a set of backends, as computed by
 * nginx's algorithm: each step every backend gains its weight, the one with the most
 * credit is picked and pays back the total. Weights are reduced by their greatest common
 * divisor and, if their sum is very large, scaled down so the order stays small.
 * <p>
 * A schedule is built on the request path whenever the set of available backends changes
 * (a health result, an admin action, a backend added or removed), so building it must stay
 * cheap for large pools: equal weights give the candidates' own order (what nginx's
 * algorithm gives them) in linear time, and when nginx's algorithm would take more than
 * 65,536 steps (it looks at every backend for every pick) the same shares are interleaved
 * by the Sainte-Lagu&euml; method with a heap instead: each pick goes to the backend whose
 * next pick is due first, {@code (2k + 1) / weight} after {@code k} picks, which spreads
 * each backend's picks as evenly over the cycle.
 *
 * @author smart-stick
 */
final class SmoothWeightedSchedule {

	private static final int MAX_LENGTH = 8192;

	/** Steps nginx's algorithm may take (picks times backends) before the heap takes over. */
	private static final long MAX_EXACT_WORK = 1 << 16;

	private final List<Backend> candidates;

	private final Backend[] order;

	SmoothWeightedSchedule(List<Backend> candidates) {
		this.candidates = candidates;
		int[] weights = weights(candidates);
		long total = 0;
		boolean equal = true;
		for (int weight : weights) {
			total += weight;
			equal &= weight == weights[0];
		}
		if (equal) {
			this.order = candidates.toArray(new Backend[0]);
		}
		else if (total * weights.length <= MAX_EXACT_WORK) {
			this.order = nginxOrder(candidates, weights, (int) total);
		}
		else {
			this.order = apportionedOrder(candidates, weights, (int) total);
		}
	}

	private static Backend[] nginxOrder(List<Backend> candidates, int[] weights, int total) {
		Backend[] order = new Backend[total];
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
			order[step] = candidates.get(best);
		}
		return order;
	}

	private static Backend[] apportionedOrder(List<Backend> candidates, int[] weights, int total) {
		Backend[] order = new Backend[total];
		int[] picks = new int[weights.length];
		// due first: the smallest (2 * picks + 1) / weight, compared without division; ties to the earlier backend
		PriorityQueue<Integer> due = new PriorityQueue<>(weights.length, (a, b) -> {
			int byDue = Long.compare((2L * picks[a] + 1) * weights[b], (2L * picks[b] + 1) * weights[a]);
			return (byDue != 0) ? byDue : Integer.compare(a, b);
		});
		for (int i = 0; i < weights.length; i++) {
			due.add(i);
		}
		for (int step = 0; step < total; step++) {
			int next = due.poll();
			order[step] = candidates.get(next);
			picks[next]++;
			due.add(next);
		}
		return order;
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
