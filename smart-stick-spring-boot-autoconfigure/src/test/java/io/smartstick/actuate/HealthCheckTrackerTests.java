package io.smartstick.actuate;

import java.time.Duration;
import java.time.Instant;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendStateChange;
import io.smartstick.health.BackendStateChangedEvent;
import io.smartstick.test.Backends;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HealthCheckTracker}.
 */
class HealthCheckTrackerTests {

	private final HealthCheckTracker tracker = new HealthCheckTracker();

	private final Backend backend = Backends.backend(3);

	@Test
	void nothingIsKnownBeforeTheFirstCheck() {
		assertThat(this.tracker.consecutiveFailures(this.backend)).isZero();
		assertThat(this.tracker.lastCheckLatency(this.backend)).isNull();
	}

	@Test
	void failedChecksInARowAreCountedUntilOnePasses() {
		this.tracker.healthChecked(this.backend, false, 1_000_000);
		this.tracker.healthChecked(this.backend, false, 2_000_000);
		this.tracker.healthChecked(Backends.backend(4), true, 5_000_000);
		assertThat(this.tracker.consecutiveFailures(this.backend)).isEqualTo(2);
		assertThat(this.tracker.lastCheckLatency(this.backend)).isEqualTo(Duration.ofMillis(2));
		this.tracker.healthChecked(this.backend, true, 3_000_000);
		assertThat(this.tracker.consecutiveFailures(this.backend)).isZero();
		assertThat(this.tracker.lastCheckLatency(this.backend)).isEqualTo(Duration.ofMillis(3));
	}

	@Test
	void backendComingBackUpStartsFromNoFailures() {
		this.tracker.healthChecked(this.backend, false, 1_000_000);
		this.tracker.onApplicationEvent(event(false));
		assertThat(this.tracker.consecutiveFailures(this.backend)).isEqualTo(1);
		this.tracker.onApplicationEvent(event(true));
		assertThat(this.tracker.consecutiveFailures(this.backend)).isZero();
		assertThat(this.tracker.lastCheckLatency(this.backend)).isEqualTo(Duration.ofMillis(1));
	}

	private BackendStateChangedEvent event(boolean healthy) {
		return new BackendStateChangedEvent(this.backend,
				new BackendStateChange(this.backend, !healthy, healthy, "test", Instant.now()));
	}

}
