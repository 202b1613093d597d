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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.BackendStateChange;
import io.smartstick.balancer.HealthSettings;
import io.smartstick.config.SmartStickProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link HealthCheckScheduler}, in virtual time: rounds, rise and fall,
 * timeouts, overlapping probes and failing checks.
 */
class HealthCheckSchedulerTests {

	private static final Duration INTERVAL = Duration.ofSeconds(10);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final Clock clock = new VirtualClock(this.time);

	private final List<BackendStateChange> changes = new ArrayList<>();

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
		assertThat(hungBackend.isHealthy()).isFalse();
		assertThat(hungBackend.health().cause()).isEqualTo("timeout after 2000 ms");
		assertThat(hungBackend.health().lastChecked()).isEqualTo(Instant.ofEpochMilli(2_000));
		assertThat(cancelled).as("the hung probe is cancelled").hasValue(1);
		assertThat(healthyBackend.isHealthy()).isTrue();
		assertThat(this.changes).extracting(BackendStateChange::backend, BackendStateChange::cause)
			.containsExactly(tuple(hungBackend, "timeout after 2000 ms"));
		advance(Duration.ofSeconds(8));
		assertThat(hung.invocations).containsExactly(0L, 10_000L);
		assertThat(healthyBackend.health().lastChecked()).isEqualTo(Instant.ofEpochMilli(10_000));
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
		advance(Duration.ofSeconds(5));
		assertThat(slowBackend.health().cause()).isEqualTo("timeout after 25000 ms");
		assertThat(slow.invocations).containsExactly(0L);
		advance(Duration.ofSeconds(5));
		assertThat(slow.invocations).containsExactly(0L, 30_000L);
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
		this.registry = new BackendRegistry(this.backends, this.changes::add);
		BackendHealthChecks healthChecks = new BackendHealthChecks(this.checks, defaultCheck,
				new SmartStickProperties());
		this.scheduler = new HealthCheckScheduler(this.registry, healthChecks, INTERVAL, this.time, this.clock);
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
