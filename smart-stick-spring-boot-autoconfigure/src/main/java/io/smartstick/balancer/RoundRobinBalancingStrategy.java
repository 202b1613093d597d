package io.smartstick.balancer;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Smooth weighted round robin: over every run of {@code sum(weights)} new clients each
 * backend gets its weight's share, and large weights interleave instead of bursting
 * (weights 2:1 give A, B, A, A, B, A, ...). The order is computed once per pool, so a pick
 * is one atomic increment and an array read.
 *
 * @author smart-stick
 */
public class RoundRobinBalancingStrategy implements BalancingStrategy {

	private final AtomicLong position = new AtomicLong();

	private volatile SmoothWeightedSchedule schedule;

	@Override
	public String name() {
		return BalancingStrategies.ROUND_ROBIN;
	}

	@Override
	public Backend choose(List<Backend> candidates) {
		if (candidates.isEmpty()) {
			return null;
		}
		SmoothWeightedSchedule schedule = this.schedule;
		if (schedule == null || schedule.candidates() != candidates) {
			schedule = new SmoothWeightedSchedule(candidates);
			this.schedule = schedule;
		}
		return schedule.at(this.position.getAndIncrement());
	}

}
