package io.smartstick.dashboard;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import io.smartstick.balancer.AdminState;
import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendStateChange;
import io.smartstick.balancer.HealthSettings;
import io.smartstick.health.BackendStateChangedEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memory of state changes: the latest 50, newest first, and each backend's latest.
 */
class StateChangesTests {

	private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

	private final StateChanges changes = new StateChanges(Clock.fixed(START, ZoneOffset.UTC));

	private final Backend backend = new Backend("api", "svc", 3, URI.create("http://127.0.0.1:5000"), 1, null,
			new HealthSettings("/health", "GET", "http-status", Duration.ofSeconds(2), Map.of(), null, 1, 1),
			AdminState.READY);

	@Test
	void backendThatNeverChangedIsInItsStateSinceStartUp() {
		assertThat(this.changes.latest(this.backend)).isEqualTo(new StateChanges.Change(START, "since start-up"));
		assertThat(this.changes.latest()).isEmpty();
	}

	@Test
	void keepsTheLatestFiftyChangesNewestFirst() {
		for (int i = 0; i < 60; i++) {
			boolean healthy = i % 2 == 1;
			this.changes.onApplicationEvent(new BackendStateChangedEvent(this, new BackendStateChange(this.backend,
					!healthy, healthy, "check " + i, START.plusSeconds(i))));
		}
		List<Map<String, Object>> latest = this.changes.latest();
		assertThat(latest).hasSize(StateChanges.KEPT);
		assertThat(latest.get(0)).containsEntry("cause", "check 59")
			.containsEntry("pool", "api")
			.containsEntry("id", 3)
			.containsEntry("from", "DOWN")
			.containsEntry("to", "UP");
		assertThat(latest.get(49)).containsEntry("cause", "check 10");
		assertThat(this.changes.latest(this.backend))
			.isEqualTo(new StateChanges.Change(START.plusSeconds(59), "check 59"));
	}

}
