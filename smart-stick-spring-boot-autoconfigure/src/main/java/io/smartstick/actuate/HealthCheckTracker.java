package io.smartstick.actuate;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.smartstick.balancer.Backend;
import io.smartstick.health.BackendStateChangedEvent;
import io.smartstick.observe.SmartStickObserver;

import org.springframework.context.ApplicationListener;

/**
 * Remembers, per backend, how many active health checks failed in a row and how long the
 * latest one took, for the {@link SmartStickEndpoint}. A backend that comes back up, by a
 * check or otherwise, starts again from no failures.
 *
 * @author smart-stick
 */
public class HealthCheckTracker implements SmartStickObserver, ApplicationListener<BackendStateChangedEvent> {

	private static final Checks NONE = new Checks(0, -1);

	/** By backend (by identity: ids repeat across pools). */
	private final Map<Backend, Checks> checks = new ConcurrentHashMap<>();

	@Override
	public void healthChecked(Backend backend, boolean healthy, long durationNanos) {
		this.checks.compute(backend, (key, previous) -> new Checks(
				healthy ? 0 : ((previous != null) ? previous.failures() : 0) + 1, durationNanos));
	}

	@Override
	public void onApplicationEvent(BackendStateChangedEvent event) {
		if (event.isHealthy()) {
			this.checks.computeIfPresent(event.getBackend(),
					(id, previous) -> new Checks(0, previous.durationNanos()));
		}
	}

	/**
	 * Return how many health checks of the backend failed in a row up to now.
	 * @param backend the backend
	 * @return the count, 0 if the latest check passed or none ran yet
	 */
	public int consecutiveFailures(Backend backend) {
		return this.checks.getOrDefault(backend, NONE).failures();
	}

	/**
	 * Return how long the backend's latest health check took.
	 * @param backend the backend
	 * @return the duration, or {@code null} if no check finished yet
	 */
	public Duration lastCheckLatency(Backend backend) {
		long nanos = this.checks.getOrDefault(backend, NONE).durationNanos();
		return (nanos >= 0) ? Duration.ofNanos(nanos) : null;
	}

	private record Checks(int failures, long durationNanos) {

	}

}
