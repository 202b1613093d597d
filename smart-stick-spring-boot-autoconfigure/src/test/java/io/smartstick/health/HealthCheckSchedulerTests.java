package io.smartstick.health;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.BackendStateChange;
import io.smartstick.balancer.HealthSettings;
import io.smartstick.observe.SmartStickObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link HealthCheckScheduler}, in virtual time: rounds, rise and fall,
 * timeouts, overlapping probes, the bound on probes in flight and failing checks.
 */
class HealthCheckSchedulerTests {

	private static final Duration INTERVAL = Duration.ofSeconds(10);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final Clock clock = new VirtualClock(this.time);

	private final List<BackendStateChange> changes = new ArrayList<>();

	private Consumer<BackendStateChange> listener = this.changes::add;

	private final Map<String, HealthCheck> checks = new HashMap<>();

	private final List<Backend> backends = new ArrayList<>();

	private BackendRegistry registry;

	private HealthCheckScheduler scheduler;

	@AfterEach
	void stopScheduler() {
		if (this.scheduler != null) {
			this.scheduler.stop();
		}
		this.time.dispose();
	}

	@Test
	void firstRoundRunsAtStartAndThenEveryInterval() {
		ScriptedCheck check = new ScriptedCheck(this.time);
		backend(0, "check", Duration.ofSeconds(2), 1, 1, check);
		start();
		assertThat(check.invocations).containsExactly(0L);
		advance(Duration.ofMillis(9_999));
		assertThat(check.invocations).containsExactly(0L);
		advance(Duration.ofMillis(1));
		assertThat(check.invocations).containsExactly(0L, 10_000L);
		advance(Duration.ofSeconds(20));
		assertThat(check.invocations).containsExactly(0L, 10_000L, 20_000L, 30_000L);
	}

	@Test
	void everyBackendIsCheckedInEveryRound() {
		ScriptedCheck first = new ScriptedCheck(this.time);
		ScriptedCheck second = new ScriptedCheck(this.time);
		backend(0, "first", Duration.ofSeconds(2), 1, 1, first);
		backend(1, "second", Duration.ofSeconds(2), 1, 1, second);
		start();
		advance(INTERVAL);
		assertThat(first.invocations).containsExactly(0L, 10_000L);
		assertThat(second.invocations).containsExactly(0L, 10_000L);
		assertThat(first.backends).extracting(Backend::id).containsOnly(0);
		assertThat(second.backends).extracting(Backend::id).containsOnly(1);
	}

	@Test
	void backendWithoutCheckNameUsesTheDefaultCheck() {
		ScriptedCheck named = new ScriptedCheck(this.time);
		ScriptedCheck defaultCheck = new ScriptedCheck(this.time).then(false);
		backend(0, "named", Duration.ofSeconds(2), 1, 1, named);
		Backend unnamed = backend(1, null, Duration.ofSeconds(2), 1, 1, null);
		start(defaultCheck);
		assertThat(named.backends).extracting(Backend::id).containsExactly(0);
		assertThat(defaultCheck.backends).containsExactly(unnamed);
		assertThat(unnamed.isHealthy()).isFalse();
	}

	@Test
	void twoFailuresKeepBackendUpAndTheThirdTakesItDownWhenFallIsThree() {
		ScriptedCheck check = new ScriptedCheck(this.time).then(false, false, false);
		Backend backend = backend(0, "check", Duration.ofSeconds(2), 1, 3, check);
		start();
		assertThat(backend.isHealthy()).isTrue();
		assertThat(backend.health().cause()).isEqualTo("custom check failed");
		advance(INTERVAL);
		assertThat(backend.isHealthy()).isTrue();
		assertThat(this.changes).isEmpty();
		advance(INTERVAL);
		assertThat(backend.isHealthy()).isFalse();
		assertThat(this.changes).extracting(BackendStateChange::backend, BackendStateChange::wasHealthy,
				BackendStateChange::healthy, BackendStateChange::cause, BackendStateChange::time)
			.containsExactly(tuple(backend, true, false, "custom check failed", Instant.ofEpochMilli(20_000)));
	}

	@Test
	void successResetsTheFailureCount() {
		ScriptedCheck check = new ScriptedCheck(this.time).then(false, false, true, false, false);
		Backend backend = backend(0, "check", Duration.ofSeconds(2), 1, 3, check);
		start();
		advance(INTERVAL.multipliedBy(4));
		assertThat(check.invocations).hasSize(5);
		assertThat(backend.isHealthy()).isTrue();
		assertThat(this.changes).isEmpty();
	}

	@Test
	void twoSuccessesBringBackendBackWhenRiseIsTwo() {
		ScriptedCheck check = new ScriptedCheck(this.time).then(false, true, true);
		Backend backend = backend(0, "check", Duration.ofSeconds(2), 2, 1, check);
		start();
		assertThat(backend.isHealthy()).isFalse();
		advance(INTERVAL);
		assertThat(backend.isHealthy()).isFalse();
		assertThat(backend.health().cause()).isEqualTo("custom check passed");
		advance(INTERVAL);
		assertThat(backend.isHealthy()).isTrue();
		assertThat(this.changes).extracting(BackendStateChange::healthy, BackendStateChange::time)
			.containsExactly(tuple(false, Instant.ofEpochMilli(0)), tuple(true, Instant.ofEpochMilli(20_000)));
	}

	@Test
	void failureResetsTheSuccessCount() {
		ScriptedCheck check = new ScriptedCheck(this.time).then(false, true, false, true, true);
		Backend backend = backend(0, "check", Duration.ofSeconds(2), 2, 1, check);
		start();
		advance(INTERVAL.multipliedBy(3));
		assertThat(backend.isHealthy()).isFalse();
		advance(INTERVAL);
		assertThat(backend.isHealthy()).isTrue();
		assertThat(this.changes).extracting(BackendStateChange::healthy, BackendStateChange::time)
			.containsExactly(tuple(false, Instant.ofEpochMilli(0)), tuple(true, Instant.ofEpochMilli(40_000)));
	}

	@Test
	void backendTakenDownOutsideTheChecksNeedsRiseSuccessesToComeBack() {
		ScriptedCheck check = new ScriptedCheck(this.time);
		Backend backend = backend(0, "check", Duration.ofSeconds(2), 2, 1, check);
		start();
		advance(INTERVAL.multipliedBy(2));
		// as passive detection does when proxying fails
		this.registry.updateHealth(backend, false, "connection refused (passive)", this.clock.instant());
		advance(INTERVAL);
		assertThat(backend.isHealthy()).isFalse();
		advance(INTERVAL);
		assertThat(backend.isHealthy()).isTrue();
		assertThat(this.changes).extracting(BackendStateChange::healthy, BackendStateChange::time)
			.containsExactly(tuple(false, Instant.ofEpochMilli(20_000)), tuple(true, Instant.ofEpochMilli(40_000)));
	}

	@Test
	void backendBroughtUpOutsideTheChecksNeedsFallFailuresToGoDown() {
		ScriptedCheck check = new ScriptedCheck(this.time).then(false, false, false, false, false);
		Backend backend = backend(0, "check", Duration.ofSeconds(2), 1, 2, check);
		start();
		advance(INTERVAL.multipliedBy(2));
		assertThat(backend.isHealthy()).isFalse();
		// as an administrator would
		this.registry.updateHealth(backend, true, "enabled by admin", this.clock.instant());
		advance(INTERVAL);
		assertThat(backend.isHealthy()).isTrue();
		advance(INTERVAL);
		assertThat(backend.isHealthy()).isFalse();
		assertThat(this.changes).extracting(BackendStateChange::healthy, BackendStateChange::time)
			.containsExactly(tuple(false, Instant.ofEpochMilli(10_000)), tuple(true, Instant.ofEpochMilli(20_000)),
					tuple(false, Instant.ofEpochMilli(40_000)));
	}

	@Test
	void flappingBackendChangesNoStateWhenRiseAndFallAreTwo() {
		ScriptedCheck upFirst = new ScriptedCheck(this.time).then(true, false, true, false, true, false, true, false);
		// two failures first, then the same flapping: it stays down
		ScriptedCheck downFirst = new ScriptedCheck(this.time).then(false, false, true, false, true, false, true,
				false);
		Backend up = backend(0, "up-first", Duration.ofSeconds(2), 2, 2, upFirst);
		Backend down = backend(1, "down-first", Duration.ofSeconds(2), 2, 2, downFirst);
		start();
		advance(INTERVAL.multipliedBy(7));
		assertThat(upFirst.invocations).hasSize(8);
		assertThat(downFirst.invocations).hasSize(8);
		assertThat(up.isHealthy()).isTrue();
		assertThat(down.isHealthy()).isFalse();
		assertThat(this.changes).extracting(BackendStateChange::backend, BackendStateChange::healthy)
			.containsExactly(tuple(down, false));
	}

	@Test
	void exactlyOneStateChangeIsReportedPerTransition() {
		ScriptedCheck check = new ScriptedCheck(this.time).then(false, false, false, true, true, false, true);
		Backend backend = backend(0, "check", Duration.ofSeconds(2), 1, 1, check);
		start();
		advance(INTERVAL.multipliedBy(6));
		assertThat(check.invocations).hasSize(7);
		assertThat(this.changes)
			.extracting(BackendStateChange::backend, BackendStateChange::wasHealthy, BackendStateChange::healthy,
					BackendStateChange::time)
			.containsExactly(tuple(backend, true, false, Instant.ofEpochMilli(0)),
					tuple(backend, false, true, Instant.ofEpochMilli(30_000)),
					tuple(backend, true, false, Instant.ofEpochMilli(50_000)),
					tuple(backend, false, true, Instant.ofEpochMilli(60_000)));
	}

	@Test
	void healthyBackendReportsNoStateChange() {
		ScriptedCheck check = new ScriptedCheck(this.time);
		Backend backend = backend(0, "check", Duration.ofSeconds(2), 1, 1, check);
		start();
		advance(INTERVAL.multipliedBy(5));
		assertThat(check.invocations).hasSize(6);
		assertThat(backend.isHealthy()).isTrue();
		assertThat(this.changes).isEmpty();
	}

	@Test
	void hungCheckTimesOutAfterTheBackendsTimeoutWithoutDelayingOtherBackends() {
		AtomicInteger cancelled = new AtomicInteger();
		ScriptedCheck hung = new ScriptedCheck(this.time)
			.thenResults(() -> Mono.<HealthCheckResult>never().doOnCancel(cancelled::incrementAndGet));
		ScriptedCheck healthy = new ScriptedCheck(this.time);
		Backend hungBackend = backend(0, "hung", Duration.ofSeconds(2), 1, 1, hung);
		Backend healthyBackend = backend(1, "healthy", Duration.ofSeconds(2), 1, 1, healthy);
		start();
		assertThat(healthyBackend.health().lastChecked()).isEqualTo(Instant.ofEpochMilli(0));
		assertThat(healthyBackend.health().cause()).isEqualTo("custom check passed");
		assertThat(hungBackend.health().lastChecked()).isNull();
		advance(Duration.ofMillis(1_999));
		assertThat(hungBackend.isHealthy()).isTrue();
		assertThat(hungBackend.health().lastChecked()).isNull();
		assertThat(cancelled).hasValue(0);
		advance(Duration.ofMillis(1));
		assertThat(cancelled).as("the hung probe is cancelled").hasValue(1);
		assertThat(hungBackend.isHealthy()).as("a first probe's timeout is repeated").isTrue();
		advance(Duration.ofSeconds(2));
		assertThat(hungBackend.isHealthy()).isFalse();
		assertThat(hungBackend.health().cause()).isEqualTo("timeout after 2000 ms");
		assertThat(hungBackend.health().lastChecked()).isEqualTo(Instant.ofEpochMilli(4_000));
		assertThat(cancelled).hasValue(2);
		assertThat(healthyBackend.isHealthy()).isTrue();
		assertThat(this.changes).extracting(BackendStateChange::backend, BackendStateChange::cause)
			.containsExactly(tuple(hungBackend, "timeout after 2000 ms"));
		advance(Duration.ofSeconds(6));
		assertThat(hung.invocations).containsExactly(0L, 2_000L, 10_000L);
		assertThat(healthyBackend.health().lastChecked()).isEqualTo(Instant.ofEpochMilli(10_000));
	}

	@Test
	void firstProbeThatTimesOutIsRepeatedOnceBeforeItCounts() {
		AtomicInteger calls = new AtomicInteger();
		ScriptedCheck coldThenFine = new ScriptedCheck(this.time).thenResults(() -> (calls.incrementAndGet() == 1)
				? Mono.<HealthCheckResult>never() : Mono.just(HealthCheckResult.healthy("passed")));
		Backend backend = backend(0, "cold", Duration.ofSeconds(2), 1, 1, coldThenFine);
		start();
		advance(Duration.ofSeconds(2));
		assertThat(coldThenFine.invocations).as("repeated at once").containsExactly(0L, 2_000L);
		assertThat(backend.isHealthy()).isTrue();
		assertThat(backend.health().cause()).isEqualTo("passed");
		assertThat(this.changes).isEmpty();
	}

	@Test
	void onlyTheFirstProbeIsRepeatedAfterATimeout() {
		ScriptedCheck hung = new ScriptedCheck(this.time).thenResults(Mono::never);
		Backend backend = backend(0, "hung", Duration.ofSeconds(2), 1, 1, hung);
		start();
		advance(Duration.ofSeconds(4));
		assertThat(backend.isHealthy()).isFalse();
		assertThat(backend.health().lastChecked()).isEqualTo(Instant.ofEpochMilli(4_000));
		advance(Duration.ofSeconds(8));
		assertThat(hung.invocations).as("later rounds are not repeated").containsExactly(0L, 2_000L, 10_000L);
		assertThat(backend.health().lastChecked()).isEqualTo(Instant.ofEpochMilli(12_000));
	}

	@Test
	void backendStillBeingProbedIsNotProbedAgainInTheNextRound() {
		ScriptedCheck slow = new ScriptedCheck(this.time).thenResults(Mono::never);
		ScriptedCheck fast = new ScriptedCheck(this.time);
		Backend slowBackend = backend(0, "slow", Duration.ofSeconds(25), 1, 1, slow);
		backend(1, "fast", Duration.ofSeconds(2), 1, 1, fast);
		start();
		advance(Duration.ofSeconds(20));
		assertThat(fast.invocations).containsExactly(0L, 10_000L, 20_000L);
		assertThat(slow.invocations).containsExactly(0L);
		// a first probe's timeout is repeated at once; rounds meanwhile leave the backend alone
		advance(Duration.ofSeconds(29));
		assertThat(slow.invocations).containsExactly(0L, 25_000L);
		assertThat(fast.invocations).containsExactly(0L, 10_000L, 20_000L, 30_000L, 40_000L);
		assertThat(slowBackend.health().lastChecked()).isNull();
		advance(Duration.ofSeconds(1));
		assertThat(slowBackend.health().cause()).isEqualTo("timeout after 25000 ms");
		assertThat(slow.invocations).containsExactly(0L, 25_000L, 50_000L);
		advance(Duration.ofSeconds(20));
		assertThat(slow.invocations).as("still being probed at 60 s").containsExactly(0L, 25_000L, 50_000L);
	}

	@Test
	void checkThatThrowsCountsAsUnhealthyAndLaterRoundsStillRun() {
		AtomicInteger calls = new AtomicInteger();
		ScriptedCheck check = new ScriptedCheck(this.time).thenResults(() -> {
			if (calls.incrementAndGet() == 1) {
				throw new IllegalStateException("boom");
			}
			return Mono.just(HealthCheckResult.healthy("custom check passed"));
		});
		Backend backend = backend(0, "check", Duration.ofSeconds(2), 1, 1, check);
		start();
		assertThat(backend.isHealthy()).isFalse();
		assertThat(backend.health().cause()).isEqualTo("check failed: IllegalStateException: boom");
		advance(INTERVAL);
		assertThat(check.invocations).containsExactly(0L, 10_000L);
		assertThat(backend.isHealthy()).isTrue();
		assertThat(backend.health().lastChecked()).isEqualTo(Instant.ofEpochMilli(10_000));
	}

	@Test
	void checkThatThrowsInIsHealthyCountsAsUnhealthy() {
		HealthCheck check = (backend) -> {
			throw new IllegalStateException("boom");
		};
		Backend backend = backend(0, "check", Duration.ofSeconds(2), 1, 1, check);
		start();
		assertThat(backend.isHealthy()).isFalse();
		assertThat(backend.health().cause()).isEqualTo("check failed: IllegalStateException: boom");
	}

	@Test
	void checkThatFailsCountsAsUnhealthy() {
		HealthCheck check = (backend) -> Mono.error(new IOException("connection reset"));
		Backend backend = backend(0, "check", Duration.ofSeconds(2), 1, 1, check);
		start();
		assertThat(backend.isHealthy()).isFalse();
		assertThat(backend.health().cause()).isEqualTo("check failed: IOException: connection reset");
		assertThat(backend.health().lastChecked()).isEqualTo(Instant.ofEpochMilli(0));
	}

	@Test
	void checkWithoutResultCountsAsUnhealthy() {
		HealthCheck check = (backend) -> Mono.empty();
		Backend backend = backend(0, "check", Duration.ofSeconds(2), 1, 1, check);
		start();
		assertThat(backend.isHealthy()).isFalse();
		assertThat(backend.health().cause()).isEqualTo("check returned no result");
	}

	@Test
	void checkReturningNullCountsAsUnhealthy() {
		ScriptedCheck check = new ScriptedCheck(this.time).thenResults(() -> null);
		Backend backend = backend(0, "check", Duration.ofSeconds(2), 1, 1, check);
		start();
		assertThat(backend.isHealthy()).isFalse();
		assertThat(backend.health().cause()).isEqualTo("check failed: NullPointerException: check returned null");
	}

	@Test
	void isHealthyReturningNullCountsAsUnhealthy() {
		HealthCheck check = (backend) -> null;
		Backend backend = backend(0, "check", Duration.ofSeconds(2), 1, 1, check);
		start();
		assertThat(backend.isHealthy()).isFalse();
		assertThat(backend.health().cause()).startsWith("check failed: NullPointerException");
	}

	@Test
	void failedResultWithoutCauseStillTakesBackendDown() {
		ScriptedCheck check = new ScriptedCheck(this.time)
			.thenResults(() -> Mono.just(new HealthCheckResult(false, null)));
		Backend backend = backend(0, "check", Duration.ofSeconds(2), 1, 1, check);
		start();
		assertThat(backend.isHealthy()).isFalse();
		assertThat(backend.health().cause()).isEqualTo("custom check failed");
		assertThat(backend.health().lastChecked()).isEqualTo(Instant.ofEpochMilli(0));
		assertThat(this.changes).extracting(BackendStateChange::cause).containsExactly("custom check failed");
	}

	@Test
	void lastCheckedAndCauseAreUpdatedOnEveryResult() {
		AtomicInteger round = new AtomicInteger();
		ScriptedCheck check = new ScriptedCheck(this.time).thenResults(() -> {
			int n = round.incrementAndGet();
			return Mono.just(new HealthCheckResult(n != 3, "result " + n));
		});
		Backend backend = backend(0, "check", Duration.ofSeconds(2), 1, 2, check);
		start();
		for (int n = 1; n <= 4; n++) {
			assertThat(backend.health().cause()).isEqualTo("result " + n);
			assertThat(backend.health().lastChecked()).isEqualTo(Instant.ofEpochMilli((n - 1) * 10_000L));
			assertThat(backend.isHealthy()).isTrue();
			advance(INTERVAL);
		}
		assertThat(this.changes).isEmpty();
	}

	@Test
	void stopEndsTheRounds() {
		ScriptedCheck check = new ScriptedCheck(this.time);
		backend(0, "check", Duration.ofSeconds(2), 1, 1, check);
		start();
		assertThat(this.scheduler.isRunning()).isTrue();
		advance(INTERVAL);
		this.scheduler.stop();
		assertThat(this.scheduler.isRunning()).isFalse();
		advance(INTERVAL.multipliedBy(6));
		assertThat(check.invocations).containsExactly(0L, 10_000L);
	}

	@Test
	void atMostMaxConcurrentChecksRunAtOnceAndQueuedOnesStartAsSlotsFree() {
		PendingCheck check = new PendingCheck(this.time);
		List<Backend> five = IntStream.range(0, 5)
			.mapToObj((id) -> backend(id, "pending", Duration.ofSeconds(2), 1, 1, check))
			.toList();
		start(2);
		assertThat(check.started()).containsExactly(0, 1);
		check.end(five.get(1), true);
		assertThat(check.started()).containsExactly(0, 1, 2);
		check.end(five.get(0), false);
		assertThat(check.started()).containsExactly(0, 1, 2, 3);
		check.end(five.get(3), true);
		assertThat(check.started()).containsExactly(0, 1, 2, 3, 4);
		check.end(five.get(2), true);
		check.end(five.get(4), false);
		assertThat(check.mostInFlight).isEqualTo(2);
		assertThat(check.pending).isEmpty();
		assertThat(five).extracting((backend) -> backend.health().cause())
			.containsExactly("failed", "passed", "passed", "passed", "failed");
		assertThat(five).extracting(Backend::isHealthy).containsExactly(false, true, true, true, false);
		assertThat(five).extracting((backend) -> backend.health().lastChecked()).containsOnly(Instant.EPOCH);
	}

	@Test
	void timeoutCountsFromWhenTheProbeStartsNotFromWhenItWasQueued() {
		PendingCheck check = new PendingCheck(this.time);
		Backend hung = backend(0, "pending", Duration.ofSeconds(4), 1, 1, check);
		Backend queued = backend(1, "pending", Duration.ofSeconds(2), 1, 1, check);
		start(1);
		advance(Duration.ofSeconds(8));
		// hung's first probe timed out at 4 s and was repeated, holding the only slot until 8 s
		assertThat(hung.health().cause()).isEqualTo("timeout after 4000 ms");
		assertThat(check.probes).containsExactly(new Probe(0, 0), new Probe(0, 4_000), new Probe(1, 8_000));
		advance(Duration.ofMillis(1_999));
		assertThat(queued.health().lastChecked()).as("not failed for the 8 s it was queued").isNull();
		check.end(queued, true);
		assertThat(queued.health().cause()).isEqualTo("passed");
		assertThat(queued.health().lastChecked()).isEqualTo(Instant.ofEpochMilli(9_999));
		// next round: queued behind the hung backend again, then itself
		advance(Duration.ofMillis(1));
		advance(Duration.ofSeconds(4));
		assertThat(check.probes).containsExactly(new Probe(0, 0), new Probe(0, 4_000), new Probe(1, 8_000),
				new Probe(0, 10_000), new Probe(1, 14_000));
		advance(Duration.ofMillis(1_999));
		assertThat(queued.isHealthy()).isTrue();
		advance(Duration.ofMillis(1));
		assertThat(queued.health().cause()).isEqualTo("timeout after 2000 ms");
		assertThat(this.changes).extracting(BackendStateChange::backend, BackendStateChange::time)
			.containsExactly(tuple(hung, Instant.ofEpochMilli(8_000)), tuple(queued, Instant.ofEpochMilli(16_000)));
	}

	@Test
	void backendQueuedOrBeingProbedIsNotQueuedAgainByTheNextRounds() {
		PendingCheck check = new PendingCheck(this.time);
		Backend first = backend(0, "pending", Duration.ofSeconds(30), 1, 1, check);
		Backend second = backend(1, "pending", Duration.ofSeconds(30), 1, 1, check);
		Backend third = backend(2, "pending", Duration.ofSeconds(30), 1, 1, check);
		start(1);
		advance(INTERVAL.multipliedBy(2));
		assertThat(check.started()).containsExactly(0);
		check.end(first, true);
		check.end(second, true);
		check.end(third, true);
		assertThat(check.probes).containsExactly(new Probe(0, 0), new Probe(1, 20_000), new Probe(2, 20_000));
		assertThat(check.pending).isEmpty();
		advance(INTERVAL);
		assertThat(check.probes).extracting(Probe::backend).containsExactly(0, 1, 2, 0);
	}

	@Test
	void stopCancelsTheProbesAndStartAfterStopProbesEveryBackendAgain() {
		PendingCheck check = new PendingCheck(this.time);
		Backend first = backend(0, "pending", Duration.ofSeconds(2), 1, 1, check);
		Backend second = backend(1, "pending", Duration.ofSeconds(2), 1, 1, check);
		start(1);
		this.scheduler.stop();
		assertThat(check.pending).as("the probe in flight is cancelled").isEmpty();
		this.scheduler.checkAll();
		advance(INTERVAL);
		assertThat(check.started()).containsExactly(0);
		assertThat(first.health().lastChecked()).isNull();
		this.scheduler.start();
		assertThat(check.probes).containsExactly(new Probe(0, 0), new Probe(0, 10_000));
		check.end(first, true);
		assertThat(check.probes).containsExactly(new Probe(0, 0), new Probe(0, 10_000), new Probe(1, 10_000));
		check.end(second, true);
		assertThat(second.health().lastChecked()).isEqualTo(Instant.ofEpochMilli(10_000));
	}

	@Test
	void withoutALimitEveryProbeStartsAtOnceAndResultsAfterStopAreDropped() {
		PendingCheck check = new PendingCheck(this.time);
		Backend first = backend(0, "pending", Duration.ofSeconds(2), 1, 1, check);
		Backend second = backend(1, "pending", Duration.ofSeconds(2), 1, 1, check);
		backend(2, "pending", Duration.ofSeconds(2), 1, 1, check);
		start();
		assertThat(check.started()).containsExactly(0, 1, 2);
		check.end(first, false);
		assertThat(first.isHealthy()).isFalse();
		this.scheduler.stop();
		check.end(second, false);
		assertThat(second.isHealthy()).as("result after stop dropped").isTrue();
		assertThat(second.health().lastChecked()).isNull();
		this.scheduler.checkAll();
		assertThat(check.started()).containsExactly(0, 1, 2);
	}

	@Test
	void resultThatCannotBeRecordedStopsNeitherTheRoundNorLaterOnes() {
		AtomicInteger changes = new AtomicInteger();
		this.listener = (change) -> {
			if (changes.incrementAndGet() == 1) {
				throw new IllegalStateException("listener failed");
			}
			this.changes.add(change);
		};
		ScriptedCheck failing = new ScriptedCheck(this.time).then(false, true);
		ScriptedCheck other = new ScriptedCheck(this.time);
		Backend backend = backend(0, "failing", Duration.ofSeconds(2), 1, 1, failing);
		backend(1, "other", Duration.ofSeconds(2), 1, 1, other);
		start(1);
		assertThat(backend.isHealthy()).isFalse();
		assertThat(other.invocations).containsExactly(0L);
		advance(INTERVAL);
		assertThat(failing.invocations).containsExactly(0L, 10_000L);
		assertThat(other.invocations).containsExactly(0L, 10_000L);
		assertThat(this.changes).extracting(BackendStateChange::backend, BackendStateChange::healthy)
			.containsExactly(tuple(backend, true));
	}

	private Backend backend(int id, String checkName, Duration timeout, int rise, int fall, HealthCheck check) {
		HealthSettings settings = new HealthSettings("/health", "GET", "http-status", timeout, Map.of(), checkName,
				rise, fall);
		Backend backend = new Backend("svc", id, URI.create("http://127.0.0.1:" + (5000 + id)), 1, null, settings);
		this.backends.add(backend);
		if (checkName != null) {
			this.checks.put(checkName, check);
		}
		return backend;
	}

	private void start() {
		start((backend) -> {
			throw new AssertionError("default check used for " + backend);
		});
	}

	private void start(HealthCheck defaultCheck) {
		this.registry = new BackendRegistry(this.backends, this.listener);
		BackendHealthChecks healthChecks = new BackendHealthChecks(this.checks, defaultCheck);
		this.scheduler = new HealthCheckScheduler(this.registry, healthChecks, INTERVAL, this.time, this.clock);
		this.scheduler.start();
	}

	private void start(int maxConcurrentChecks) {
		this.registry = new BackendRegistry(this.backends, this.listener);
		BackendHealthChecks healthChecks = new BackendHealthChecks(this.checks, (backend) -> {
			throw new AssertionError("default check used for " + backend);
		});
		this.scheduler = new HealthCheckScheduler(this.registry, healthChecks, INTERVAL, this.time, this.clock,
				SmartStickObserver.of(List.of()), maxConcurrentChecks);
		this.scheduler.start();
	}

	private void advance(Duration duration) {
		this.time.advanceTimeBy(duration);
	}

	/**
	 * A check answering from a script of booleans (through {@link HealthCheck#check}'s
	 * default mapping), then with its fallback results; records when it was invoked and for
	 * which backend.
	 */
	static final class ScriptedCheck implements HealthCheck {

		private final VirtualTimeScheduler time;

		private final Deque<Boolean> script = new ArrayDeque<>();

		private Supplier<Mono<HealthCheckResult>> otherwise;

		private boolean healthy;

		final List<Long> invocations = new ArrayList<>();

		final List<Backend> backends = new ArrayList<>();

		ScriptedCheck(VirtualTimeScheduler time) {
			this.time = time;
		}

		ScriptedCheck then(boolean... results) {
			for (boolean result : results) {
				this.script.add(result);
			}
			return this;
		}

		ScriptedCheck thenResults(Supplier<Mono<HealthCheckResult>> results) {
			this.otherwise = results;
			return this;
		}

		@Override
		public Mono<Boolean> isHealthy(Backend backend) {
			return Mono.just(this.healthy);
		}

		@Override
		public Mono<HealthCheckResult> check(Backend backend) {
			this.invocations.add(this.time.now(TimeUnit.MILLISECONDS));
			this.backends.add(backend);
			Boolean next = this.script.poll();
			if (next == null && this.otherwise != null) {
				return this.otherwise.get();
			}
			this.healthy = (next != null) ? next : true;
			return HealthCheck.super.check(backend);
		}

	}

	/**
	 * A check whose probes stay pending until the test ends them or they time out; records
	 * when each probe started and how many were pending at most.
	 */
	static final class PendingCheck implements HealthCheck {

		private final VirtualTimeScheduler time;

		final Map<Backend, Sinks.One<HealthCheckResult>> pending = new LinkedHashMap<>();

		final List<Probe> probes = new ArrayList<>();

		int mostInFlight;

		PendingCheck(VirtualTimeScheduler time) {
			this.time = time;
		}

		@Override
		public Mono<Boolean> isHealthy(Backend backend) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Mono<HealthCheckResult> check(Backend backend) {
			Sinks.One<HealthCheckResult> result = Sinks.one();
			this.probes.add(new Probe(backend.id(), this.time.now(TimeUnit.MILLISECONDS)));
			assertThat(this.pending.put(backend, result)).as("second probe of %s", backend).isNull();
			this.mostInFlight = Math.max(this.mostInFlight, this.pending.size());
			return result.asMono().doOnCancel(() -> this.pending.remove(backend));
		}

		List<Integer> started() {
			return this.probes.stream().map(Probe::backend).toList();
		}

		void end(Backend backend, boolean healthy) {
			Sinks.One<HealthCheckResult> result = this.pending.remove(backend);
			assertThat(result).as("pending probe of %s", backend).isNotNull();
			result.tryEmitValue(new HealthCheckResult(healthy, healthy ? "passed" : "failed")).orThrow();
		}

	}

	/**
	 * A probe started by a {@link PendingCheck}.
	 *
	 * @param backend the backend's id
	 * @param startedAt virtual time of the start, in milliseconds
	 */
	record Probe(int backend, long startedAt) {

	}

	/**
	 * A clock following virtual time, from the epoch.
	 */
	static final class VirtualClock extends Clock {

		private final VirtualTimeScheduler time;

		VirtualClock(VirtualTimeScheduler time) {
			this.time = time;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(this.time.now(TimeUnit.MILLISECONDS));
		}

	}

}
