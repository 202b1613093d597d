package io.smartstick.actuate;

import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smartstick.balancer.AdminState;
import io.smartstick.alert.AlertMailedEvent;
import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.BackendStateChange;
import io.smartstick.health.BackendAddedEvent;
import io.smartstick.health.BackendRemovedEvent;
import io.smartstick.health.BackendStateChangedEvent;
import io.smartstick.observe.Assignment;
import io.smartstick.observe.ExchangeOutcome;
import io.smartstick.test.Backends;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SmartStickMeters}.
 */
class SmartStickMetersTests {

	private final SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();

	private final Backend backend = Backends.backend(7);

	private final BackendRegistry registry = new BackendRegistry(List.of(this.backend), (change) -> {
	});

	private final SmartStickMeters meters = new SmartStickMeters(this.meterRegistry, this.registry);

	@Test
	void requestsAreTaggedByStatusClassOutcomeAndResult() {
		this.meters.exchangeEnded(this.backend, 200, ExchangeOutcome.COMPLETED, 1_000);
		this.meters.exchangeEnded(this.backend, 204, ExchangeOutcome.COMPLETED, 1_000);
		this.meters.exchangeEnded(this.backend, 302, ExchangeOutcome.COMPLETED, 1_000);
		this.meters.exchangeEnded(this.backend, 404, ExchangeOutcome.COMPLETED, 1_000);
		this.meters.exchangeEnded(this.backend, 503, ExchangeOutcome.COMPLETED, 1_000);
		this.meters.exchangeEnded(this.backend, 101, ExchangeOutcome.COMPLETED, 1_000);
		this.meters.exchangeEnded(this.backend, 0, ExchangeOutcome.FAILED, 1_000);
		this.meters.exchangeEnded(this.backend, 0, ExchangeOutcome.CANCELLED, 1_000);
		assertThat(requests("SUCCESS", "2xx", "completed").count()).isEqualTo(2);
		assertThat(requests("REDIRECTION", "3xx", "completed").count()).isOne();
		assertThat(requests("CLIENT_ERROR", "4xx", "completed").count()).isOne();
		assertThat(requests("SERVER_ERROR", "5xx", "completed").count()).isOne();
		assertThat(requests("INFORMATIONAL", "1xx", "completed").count()).isOne();
		assertThat(requests("UNKNOWN", "NONE", "failed").count()).isOne();
		assertThat(requests("UNKNOWN", "NONE", "cancelled").count()).isOne();
		assertThat(requests("SUCCESS", "2xx", "completed"))
			.isSameAs(this.meterRegistry.get("smartstick.requests").tag("status", "2xx").timer());
	}

	@Test
	void metersFollowBackendsAddedAndRemoved() {
		this.meters.bindTo(this.meterRegistry);
		Backend added = Backends.backend(8);
		this.registry.replaceBackends(List.of(Backends.backend(7), added), false);
		this.meters.onApplicationEvent(new BackendAddedEvent(this.registry, added));
		assertThat(this.meterRegistry.find("smartstick.backend.up").tag("backend", "8").gauge()).isNotNull();
		this.meters.exchangeEnded(this.backend, 200, ExchangeOutcome.COMPLETED, 1_000);
		this.registry.replaceBackends(List.of(added), false);
		this.meters.onApplicationEvent(new BackendRemovedEvent(this.registry, this.backend));
		assertThat(this.meterRegistry.find("smartstick.backend.up").tag("backend", "7").gauge()).isNull();
		assertThat(this.meterRegistry.find("smartstick.requests").tag("backend", "7").timer()).isNull();
		this.meters.exchangeEnded(this.backend, 200, ExchangeOutcome.COMPLETED, 1_000);
		assertThat(this.meterRegistry.find("smartstick.requests").tag("backend", "7").timer())
			.as("an exchange ending after the removal registers nothing again")
			.isNull();
	}

	@Test
	void stickyAssignmentsAreCountedByResult() {
		this.meters.assigned(this.backend, Assignment.KEPT);
		this.meters.assigned(this.backend, Assignment.KEPT);
		this.meters.assigned(this.backend, Assignment.NEW);
		this.meters.assigned(this.backend, Assignment.REASSIGNED);
		assertThat(sticky("hit")).isEqualTo(2);
		assertThat(sticky("miss")).isOne();
		assertThat(sticky("reassigned")).isOne();
		assertThat(sticky("refused")).isZero();
	}

	@Test
	void healthChecksRetriesAndTransitionsAreCountedPerBackend() {
		this.meters.healthChecked(this.backend, true, 2_000_000);
		this.meters.healthChecked(this.backend, false, 3_000_000);
		this.meters.retried(this.backend, "connection refused");
		this.meters.onApplicationEvent(new BackendStateChangedEvent(this.backend,
				new BackendStateChange(this.backend, true, false, "test", Instant.now())));
		assertThat(this.meterRegistry.get("smartstick.health.checks")
			.tags("backend", "7", "outcome", "unhealthy")
			.timer()
			.count()).isOne();
		assertThat(this.meterRegistry.get("smartstick.retries")
			.tags("backend", "7", "cause", "connection refused")
			.counter()
			.count()).isOne();
		assertThat(this.meterRegistry.get("smartstick.backend.transitions")
			.tags("backend", "7", "state", "down")
			.counter()
			.count()).isOne();
		assertThat(this.meterRegistry.get("smartstick.backend.transitions")
			.tags("backend", "7", "state", "up")
			.counter()
			.count()).isZero();
	}

	@Test
	void gaugesFollowTheBackend() {
		this.meters.bindTo(this.meterRegistry);
		this.backend.started();
		this.backend.tunnelOpened();
		this.registry.updateHealth(this.backend, false, "test", Instant.now());
		this.registry.updateAdminState(this.backend, AdminState.DRAIN);
		assertThat(this.meterRegistry.get("smartstick.backend.active").tag("backend", "7").gauge().value()).isOne();
		assertThat(this.meterRegistry.get("smartstick.backend.tunnels").tags("pool", "default", "backend", "7")
			.gauge()
			.value()).isOne();
		assertThat(this.meterRegistry.get("smartstick.backend.up").tag("backend", "7").gauge().value()).isZero();
		assertThat(this.meterRegistry.get("smartstick.backend.admin").tags("backend", "7", "state", "drain").gauge()
			.value()).isOne();
		assertThat(this.meterRegistry.get("smartstick.backend.admin").tags("backend", "7", "state", "ready").gauge()
			.value()).isZero();
	}

	@Test
	void alertsAreCountedBySentOrFailed() {
		assertThat(this.meterRegistry.find("smartstick.alerts").meters()).isEmpty();
		this.meters.onApplicationEvent(new AlertMailedEvent(this.backend, true));
		this.meters.onApplicationEvent(new AlertMailedEvent(this.backend, true));
		this.meters.onApplicationEvent(new AlertMailedEvent(this.backend, false));
		assertThat(this.meterRegistry.get("smartstick.alerts").tag("result", "sent").counter().count()).isEqualTo(2);
		assertThat(this.meterRegistry.get("smartstick.alerts").tag("result", "failed").counter().count()).isOne();
	}

	private Timer requests(String outcome, String status, String result) {
		return this.meterRegistry.get("smartstick.requests")
			.tags("backend", "7", "outcome", outcome, "status", status, "result", result)
			.timer();
	}

	private double sticky(String result) {
		return this.meterRegistry.get("smartstick.sticky").tag("result", result).counter().count();
	}

}
