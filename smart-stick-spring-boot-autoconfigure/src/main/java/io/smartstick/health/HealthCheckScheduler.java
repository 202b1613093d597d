package io.smartstick.health;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.observe.SmartStickObserver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.context.SmartLifecycle;

/**
 * Checks every backend now and then every interval, concurrently and without blocking:
 * each probe is its own subscription bounded by the backend's timeout, so a hung backend
 * delays neither the others nor the next round, and a backend still being probed is
 * skipped rather than probed twice. Results go through {@link HealthThresholds} (rise and
 * fall) into the {@link BackendRegistry}.
 *
 * @author smart-stick
 */
public class HealthCheckScheduler implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(HealthCheckScheduler.class);

	private final BackendRegistry registry;

	private final BackendHealthChecks checks;

	private final Duration interval;

	private final Scheduler scheduler;

	private final Clock clock;

	private final SmartStickObserver observer;

	private final Map<Backend, HealthThresholds> thresholds = new ConcurrentHashMap<>();

	private volatile Disposable rounds;

	/**
	 * Create a scheduler.
	 * @param registry the backends, told of every result
	 * @param checks the check of each backend
	 * @param interval time between two rounds
	 * @param scheduler runs the rounds and the timeouts (a virtual-time one in tests)
	 * @param clock stamps the results
	 */
	public HealthCheckScheduler(BackendRegistry registry, BackendHealthChecks checks, Duration interval,
			Scheduler scheduler, Clock clock) {
		this(registry, checks, interval, scheduler, clock, SmartStickObserver.of(List.of()));
	}

	/**
	 * Create a scheduler.
	 * @param registry the backends, told of every result
	 * @param checks the check of each backend
	 * @param interval time between two rounds
	 * @param scheduler runs the rounds and the timeouts (a virtual-time one in tests)
	 * @param clock stamps the results
	 * @param observer told of every check's outcome and duration
	 */
	public HealthCheckScheduler(BackendRegistry registry, BackendHealthChecks checks, Duration interval,
			Scheduler scheduler, Clock clock, SmartStickObserver observer) {
		this.observer = observer;
		this.registry = registry;
		this.checks = checks;
		this.interval = interval;
		this.scheduler = scheduler;
		this.clock = clock;
	}

	@Override
	public void start() {
		this.rounds = Flux.interval(Duration.ZERO, this.interval, this.scheduler)
			.onBackpressureDrop()
			.subscribe((round) -> checkAll());
	}

	@Override
	public void stop() {
		Disposable rounds = this.rounds;
		if (rounds != null) {
			rounds.dispose();
		}
		this.rounds = null;
	}

	@Override
	public boolean isRunning() {
		return this.rounds != null;
	}

	/**
	 * Start one probe of every backend that is not being probed already.
	 */
	public void checkAll() {
		for (Backend backend : this.registry.all()) {
			HealthThresholds state = this.thresholds.computeIfAbsent(backend, HealthThresholds::new);
			if (state.tryStartProbe()) {
				long start = System.nanoTime();
				probe(backend).doFinally((signal) -> state.probeEnded()).subscribe((result) -> {
					this.observer.healthChecked(backend, result.healthy(), System.nanoTime() - start);
					record(backend, state, result);
				});
			}
		}
	}

	private Mono<HealthCheckResult> probe(Backend backend) {
		HealthCheck check = this.checks.checkFor(backend);
		Duration timeout = backend.healthSettings().timeout();
		return Mono.defer(() -> Objects.requireNonNull(check.check(backend), "check returned null"))
			.map((result) -> (result.cause() != null) ? result : new HealthCheckResult(result.healthy(),
					result.healthy() ? "custom check passed" : "custom check failed"))
			.timeout(timeout, this.scheduler)
			.defaultIfEmpty(HealthCheckResult.unhealthy("check returned no result"))
			.onErrorResume((ex) -> Mono.just(HealthCheckResult.unhealthy((ex instanceof TimeoutException)
					? "timeout after " + timeout.toMillis() + " ms" : "check failed: " + HttpHealthCheck.describe(ex))));
	}

	private void record(Backend backend, HealthThresholds state, HealthCheckResult result) {
		boolean healthy = state.apply(backend.isHealthy(), result.healthy());
		if (!result.healthy() && !result.cause().equals(backend.health().cause())) {
			logger.debug("Health check of backend " + backend.idValue() + " failed: " + result.cause());
			if (result.cause().startsWith("check failed")) {
				logger.warn("Health check of backend " + backend.idValue() + " (" + backend.url() + ") "
						+ result.cause());
			}
		}
		this.registry.updateHealth(backend, healthy, result.cause(), this.clock.instant());
	}

}
