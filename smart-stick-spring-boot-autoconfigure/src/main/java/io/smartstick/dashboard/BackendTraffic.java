package io.smartstick.dashboard;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import io.smartstick.observe.ExchangeOutcome;

/**
 * What the dashboard counts of one backend, as running totals the sampler reads and
 * differences: the latency of every ended exchange by bucket, the errors among them, and
 * the latest health checks. Recording costs one bucket increment per exchange (two for
 * an error) and never allocates.
 *
 * @author smart-stick
 */
final class BackendTraffic {

	private final AtomicLongArray latency = new AtomicLongArray(LatencyBuckets.COUNT);

	private final LongAdder errors = new LongAdder();

	private volatile HealthChecks checks = HealthChecks.NONE;

	void exchangeEnded(int status, ExchangeOutcome outcome, long durationNanos) {
		if (outcome == ExchangeOutcome.CANCELLED) {
			// the client went away: neither its latency nor an error says anything of the backend
			return;
		}
		this.latency.incrementAndGet(LatencyBuckets.index(durationNanos));
		if (outcome == ExchangeOutcome.FAILED || status >= 500) {
			this.errors.increment();
		}
	}

	void healthChecked(boolean passed, long durationNanos) {
		// checks of one backend are applied one at a time, so this read-then-write does not race
		HealthChecks previous = this.checks;
		this.checks = new HealthChecks(passed, durationNanos, passed ? previous.passes() + 1 : 0,
				passed ? 0 : previous.failures() + 1);
	}

	/**
	 * Copy the latency totals.
	 * @param into array of {@link LatencyBuckets#COUNT} totals
	 * @return the sum of the totals: exchanges ended so far, cancelled ones left out
	 */
	long latencyTotals(long[] into) {
		long sum = 0;
		for (int i = 0; i < into.length; i++) {
			long count = this.latency.get(i);
			into[i] = count;
			sum += count;
		}
		return sum;
	}

	long errors() {
		return this.errors.sum();
	}

	HealthChecks checks() {
		return this.checks;
	}

	/**
	 * The latest health check of a backend and how many in a row had its result.
	 *
	 * @param passed whether the latest check passed
	 * @param durationNanos how long it took, -1 before the first check
	 * @param passes checks passed in a row
	 * @param failures checks failed in a row
	 */
	record HealthChecks(boolean passed, long durationNanos, int passes, int failures) {

		static final HealthChecks NONE = new HealthChecks(false, -1, 0, 0);

	}

}
