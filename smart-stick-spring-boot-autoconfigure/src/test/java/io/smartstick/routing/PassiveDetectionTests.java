package io.smartstick.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.BackendStateChange;
import io.smartstick.test.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PassiveDetection}, which both engines consult after a failed attempt.
 */
@ExtendWith(OutputCaptureExtension.class)
class PassiveDetectionTests {

	private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

	private final Backend backend = Backends.backend(3);

	private final List<BackendStateChange> changes = new ArrayList<>();

	private final BackendRegistry registry = new BackendRegistry(List.of(this.backend), this.changes::add);

	private final PassiveDetection detection = new PassiveDetection(this.registry, true, null,
			Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void transportFailureTakesTheBackendDownWithItsCause() {
		this.detection.failed(this.backend, ProxyFailure.NOT_REACHED);
		assertThat(this.backend.isHealthy()).isFalse();
		assertThat(this.backend.health().cause()).isEqualTo(ProxyFailure.NOT_REACHED.cause() + " (passive)");
		assertThat(this.backend.health().lastChecked()).isEqualTo(NOW);
		assertThat(this.changes).hasSize(1);
	}

	@Test
	void failureThatSaysNothingOfTheBackendLeavesItUp() {
		for (ProxyFailure failure : List.of(ProxyFailure.TIMEOUT, ProxyFailure.NOT_SENT, ProxyFailure.NO_CONNECTION,
				ProxyFailure.OTHER)) {
			this.detection.failed(this.backend, failure);
		}
		assertThat(this.backend.isHealthy()).isTrue();
		assertThat(this.changes).isEmpty();
	}

	@Test
	void bodyBrokenOffWhileAnsweringTakesTheBackendDown() {
		this.detection.failedWhileAnswering(this.backend, ProxyFailure.RESET_DURING_RESPONSE);
		assertThat(this.backend.isHealthy()).isFalse();
	}

	@Test
	void timeoutWhileAnsweringIsLoggedAndLeavesTheBackendUp(CapturedOutput output) {
		this.detection.failedWhileAnswering(this.backend, ProxyFailure.TIMEOUT);
		assertThat(this.backend.isHealthy()).isTrue();
		assertThat(output).contains(ProxyFailure.timedOutInTheMiddleOfItsAnswer("3"));
	}

	@Test
	void nothingIsTakenDownWhenPassiveDetectionIsOff() {
		PassiveDetection off = new PassiveDetection(this.registry, false, null, Clock.systemUTC());
		off.failed(this.backend, ProxyFailure.RESET_BEFORE_RESPONSE);
		off.failedWhileAnswering(this.backend, ProxyFailure.RESET_DURING_RESPONSE);
		assertThat(this.backend.isHealthy()).isTrue();
		assertThat(this.changes).isEmpty();
	}

	@Test
	void withoutActiveChecksABackendTakenDownIsTriedAgainAfterTheInterval() {
		VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();
		try {
			PassiveDetection unchecked = new PassiveDetection(this.registry, true, Duration.ofSeconds(10),
					Clock.fixed(NOW, ZoneOffset.UTC));
			unchecked.failed(this.backend, ProxyFailure.NOT_REACHED);
			// a request in flight when it went down fails too: it schedules nothing more
			unchecked.failedWhileAnswering(this.backend, ProxyFailure.RESET_DURING_RESPONSE);
			time.advanceTimeBy(Duration.ofSeconds(9));
			assertThat(this.backend.isHealthy()).isFalse();
			time.advanceTimeBy(Duration.ofSeconds(1));
			assertThat(this.backend.isHealthy()).isTrue();
			assertThat(this.backend.health().cause())
				.isEqualTo("tried again 10 s after a passive failure (no active health checks)");
			assertThat(this.changes).extracting(BackendStateChange::healthy).containsExactly(false, true);
			unchecked.failed(this.backend, ProxyFailure.RESET_BEFORE_RESPONSE);
			assertThat(this.backend.isHealthy()).as("down again at its next failure").isFalse();
			time.advanceTimeBy(Duration.ofSeconds(10));
			assertThat(this.backend.isHealthy()).isTrue();
		}
		finally {
			VirtualTimeScheduler.reset();
		}
	}

	@Test
	void withActiveChecksOnlyACheckBringsABackendBack() {
		VirtualTimeScheduler time = VirtualTimeScheduler.getOrSet();
		try {
			this.detection.failed(this.backend, ProxyFailure.NOT_REACHED);
			time.advanceTimeBy(Duration.ofHours(1));
			assertThat(this.backend.isHealthy()).isFalse();
		}
		finally {
			VirtualTimeScheduler.reset();
		}
	}

	@Test
	void failureBeforeAnyBackendWasChosenIsIgnored() {
		this.detection.failed(null, ProxyFailure.NOT_REACHED);
		this.detection.failedWhileAnswering(null, ProxyFailure.TIMEOUT);
		assertThat(this.changes).isEmpty();
	}

}
