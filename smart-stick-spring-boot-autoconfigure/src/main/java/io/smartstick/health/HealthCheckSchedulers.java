package io.smartstick.health;

import java.util.List;

import org.springframework.context.SmartLifecycle;

/**
 * The health check schedulers of every pool that checks its backends, started and
 * stopped together with the application.
 *
 * @author smart-stick
 */
public class HealthCheckSchedulers implements SmartLifecycle {

	private final List<HealthCheckScheduler> schedulers;

	/**
	 * Create the schedulers' lifecycle.
	 * @param schedulers one per pool whose backends are checked
	 */
	public HealthCheckSchedulers(List<HealthCheckScheduler> schedulers) {
		this.schedulers = List.copyOf(schedulers);
	}

	/**
	 * Return the schedulers.
	 * @return one per pool whose backends are checked
	 */
	public List<HealthCheckScheduler> all() {
		return this.schedulers;
	}

	@Override
	public void start() {
		this.schedulers.forEach(HealthCheckScheduler::start);
	}

	@Override
	public void stop() {
		this.schedulers.forEach(HealthCheckScheduler::stop);
	}

	@Override
	public boolean isRunning() {
		return this.schedulers.stream().anyMatch(HealthCheckScheduler::isRunning);
	}

}
