package io.smartstick.health;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.observe.SmartStickObserver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Checks every backend now and then every interval, concurrently and without blocking.
 * Each round queues a probe of every backend. Without a limit they all start at once;
 * with one, at most {@code maxConcurrentChecks} probes run at once and a queued one starts
 * as soon as another ends, so that a round over many backends does not open all their
 * connections at once (at some CPU cost: probes then start one by one instead of in one
 * batch per round). Each probe is bounded by its
 * backend's timeout, counted from when the probe starts, so a hung backend delays neither
 * the next round nor, beyond its timeout, the others. A backend already queued or being
 * probed is skipped rather than queued twice. Results go through {@link HealthThresholds}
 * (rise and fall) into the {@link BackendRegistry}.
 *
 * @author smart-stick
 */
public class HealthCheckScheduler implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(HealthCheckScheduler.class);

	private static final int NO_LIMIT = Integer.MAX_VALUE;

	private final BackendRegistry registry;

	private final BackendHealthChecks checks;

	private final Duration interval;

	private final Scheduler scheduler;

	private final Clock clock;

	private final SmartStickObserver observer;

	private final int maxConcurrentChecks;

	private final Map<Backend, HealthThresholds> thresholds = new ConcurrentHashMap<>();

	private volatile boolean running;

	private volatile FluxSink<Backend> queue;

	private volatile Disposable probes;

	private volatile Disposable rounds;

	/**
	 * Create a scheduler with no limit on the checks in flight.
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
	 * Create a scheduler with no limit on the checks in flight.
	 * @param registry the backends, told of every result
	 * @param checks the check of each backend
	 * @param interval time between two rounds
	 * @param scheduler runs the rounds and the timeouts (a virtual-time one in tests)
	 * @param clock stamps the results
	 * @param observer told of every check's outcome and duration
	 */
	public HealthCheckScheduler(BackendRegistry registry, BackendHealthChecks checks, Duration interval,
			Scheduler scheduler, Clock clock, SmartStickObserver observer) {
		this(registry, checks, interval, scheduler, clock, observer, NO_LIMIT);
	}

	/**
	 * Create a scheduler.
	 * @param registry the backends, told of every result
	 * @param checks the check of each backend
	 * @param interval time between two rounds
	 * @param scheduler runs the rounds and the timeouts (a virtual-time one in tests)
	 * @param clock stamps the results
	 * @param observer told of every check's outcome and duration
	 * @param maxConcurrentChecks most checks in flight at once, at least 1;
	 * {@link Integer#MAX_VALUE} for no limit
	 */
	public HealthCheckScheduler(BackendRegistry registry, BackendHealthChecks checks, Duration interval,
			Scheduler scheduler, Clock clock, SmartStickObserver observer, int maxConcurrentChecks) {
		Assert.isTrue(maxConcurrentChecks >= 1, "maxConcurrentChecks must be at least 1");
		this.registry = registry;
		this.checks = checks;
		this.interval = interval;
		this.scheduler = scheduler;
		this.clock = clock;
		this.observer = observer;
		this.maxConcurrentChecks = maxConcurrentChecks;
	}

	@Override
	public void start() {
		this.running = true;
		if (this.maxConcurrentChecks != NO_LIMIT) {
			// Flux.create's sink may be fed from several threads at once. A backend still queued
			// when stop() cancels the probes reaches the discard hook, which frees it for a later
			// start(); a probe in flight is cancelled and frees its backend in doFinally
			this.probes = Flux.<Backend>create((queue) -> this.queue = queue)
				.flatMap(this::probeAndRecord, this.maxConcurrentChecks)
				.doOnDiscard(Backend.class, (backend) -> thresholds(backend).probeEnded())
				.subscribe();
		}
		this.rounds = Flux.interval(Duration.ZERO, this.interval, this.scheduler)
			.onBackpressureDrop()
			.subscribe((round) -> checkAll());
	}

	@Override
	public void stop() {
		this.running = false;
		Disposable rounds = this.rounds;
		Disposable probes = this.probes;
		this.queue = null;
		this.rounds = null;
		this.probes = null;
		if (rounds != null) {
			rounds.dispose();
		}
		if (probes != null) {
			probes.dispose();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Probe every backend that is not queued or being probed already: at once without a
	 * limit, otherwise when fewer than the maximum number of checks are in flight. Does
	 * nothing while the scheduler is stopped.
	 */
	public void checkAll() {
		if (!this.running) {
			return;
		}
		FluxSink<Backend> queue = this.queue;
		List<Backend> backends = this.registry.all();
		if (this.thresholds.size() > backends.size()) {
			// backends removed from the pool: forget their counts
			Set<Backend> current = Collections.newSetFromMap(new IdentityHashMap<>());
			current.addAll(backends);
			this.thresholds.keySet().removeIf((backend) -> !current.contains(backend));
		}
		for (Backend backend : backends) {
			if (thresholds(backend).tryStartProbe()) {
				if (queue != null) {
					queue.next(backend);
				}
				else {
					// no limit: each probe its own subscription, all started in this one batch
					probeAndRecord(backend).subscribe();
				}
			}
		}
	}

	private HealthThresholds thresholds(Backend backend) {
		return this.thresholds.computeIfAbsent(backend, HealthThresholds::new);
	}

	private Mono<Void> probeAndRecord(Backend backend) {
		HealthThresholds state = thresholds(backend);
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return probe(backend).doOnNext((result) -> {
				if (this.running) {
					// without a limit, stop() lets probes in flight end: their results are dropped
					this.observer.healthChecked(backend, result.healthy(), System.nanoTime() - start);
					record(backend, state, result);
				}
			});
		}).then().onErrorResume((ex) -> {
			// a failing listener must not end the shared pipeline, nor the later rounds
			logger.error("Could not record the health check of backend " + backend.idValue(), ex);
			return Mono.empty();
		}).doFinally((signal) -> state.probeEnded());
	}

	private Mono<HealthCheckResult> probe(Backend backend) {
		Duration timeout = backend.healthSettings().timeout();
		Mono<HealthCheckResult> once = Mono
			.defer(() -> Objects.requireNonNull(this.checks.checkFor(backend).check(backend), "check returned null"))
			.map((result) -> (result.cause() != null) ? result : new HealthCheckResult(result.healthy(),
					result.healthy() ? "custom check passed" : "custom check failed"))
			.timeout(timeout, this.scheduler);
		Mono<HealthCheckResult> check = once;
		if (backend.health().lastChecked() == null) {
			// a backend's first probe also pays for a cold start (classes loaded, code compiled, a first
			// connection opened, all while the application starts): a timeout then says little of the backend,
			// and taking a healthy backend down for a whole interval on it makes a fresh start less safe than a
			// warm one. It is repeated once; only the repeat's timeout counts.
			check = once.onErrorResume(TimeoutException.class, (ex) -> {
				logger.debug("First health check of backend " + backend.idValue() + " timed out; checking again");
				return once;
			});
		}
		return check
			.defaultIfEmpty(HealthCheckResult.unhealthy("check returned no result"))
			.onErrorResume((ex) -> Mono.just(HealthCheckResult.unhealthy((ex instanceof TimeoutException)
					? "timeout after " + timeout.toMillis() + " ms" : "check failed: " + HttpHealthCheck.describe(ex))));
	}

	private void record(Backend backend, HealthThresholds state, HealthCheckResult result) {
		boolean healthy = state.apply(backend.isHealthy(), result.healthy());
		if (result.healthy() && backend.health().lastChecked() == null) {
			// a backend added while running waits for its first passing check, not for rise of them
			healthy = true;
		}
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
