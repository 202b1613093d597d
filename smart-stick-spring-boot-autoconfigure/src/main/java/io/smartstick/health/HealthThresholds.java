package io.smartstick.health;

import java.util.concurrent.atomic.AtomicBoolean;

import io.smartstick.balancer.Backend;

/**
 * Rise and fall counting for one backend, so that a single lost probe does not take a
 * backend down nor a single good one bring it back (unless rise and fall are 1, the
 * original's behaviour). Also guards against queuing or probing one backend twice at once:
 * a probe counts from when it is queued until it ends or is dropped. Results of one backend
 * are applied one at a time.
 *
 * @author smart-stick
 */
final class HealthThresholds {

	private final int rise;

	private final int fall;

	private final AtomicBoolean probing = new AtomicBoolean();

	private int successes;

	private int failures;

	HealthThresholds(Backend backend) {
		this(backend.healthSettings().rise(), backend.healthSettings().fall());
	}

	HealthThresholds(int rise, int fall) {
		this.rise = rise;
		this.fall = fall;
	}

	boolean tryStartProbe() {
		return this.probing.compareAndSet(false, true);
	}

	void probeEnded() {
		this.probing.set(false);
	}

	/**
	 * Count a result and return the state the backend should be in.
	 * @param healthyNow the backend's current state
	 * @param passed whether the latest check passed
	 * @return the new state
	 */
	synchronized boolean apply(boolean healthyNow, boolean passed) {
		if (passed) {
			this.successes = healthyNow ? 0 : this.successes + 1;
			this.failures = 0;
			return healthyNow || this.successes >= this.rise;
		}
		this.failures = healthyNow ? this.failures + 1 : 0;
		this.successes = 0;
		return healthyNow && this.failures < this.fall;
	}

}
