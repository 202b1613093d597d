package io.smartstick.health;

import java.util.function.Predicate;

import io.smartstick.balancer.Backend;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Decides whether a backend is healthy. A single bean of this type is the default for
 * every backend; {@code smartstick.health.check} or
 * {@code smartstick.backends[i].health-check} pick a bean by name. The check runs on an
 * event-loop thread and must not block: wrap blocking logic with {@link #blocking}. It
 * is bounded by the backend's health timeout; an error, an empty result or a timeout
 * counts as unhealthy.
 *
 * @author smart-stick
 */
@FunctionalInterface
public interface HealthCheck {

	/**
	 * Check the backend.
	 * @param backend the backend, with its resolved health settings
	 * @return {@code true} if healthy; an empty or failed Mono means unhealthy
	 */
	Mono<Boolean> isHealthy(Backend backend);

	/**
	 * Check the backend and say why it is healthy or not. The default describes the
	 * outcome of {@link #isHealthy}; implementations may give a more precise cause.
	 * @param backend the backend
	 * @return the result; an empty or failed Mono means unhealthy
	 */
	default Mono<HealthCheckResult> check(Backend backend) {
		return isHealthy(backend).map((healthy) -> healthy ? HealthCheckResult.healthy("custom check passed")
				: HealthCheckResult.unhealthy("custom check failed"));
	}

	/**
	 * Adapt a blocking check (JDBC, a blocking HTTP client, ...) so it runs on Reactor's
	 * bounded elastic scheduler instead of the event loop.
	 * @param check the blocking check
	 * @return a non-blocking health check
	 */
	static HealthCheck blocking(Predicate<Backend> check) {
		return (backend) -> Mono.fromCallable(() -> check.test(backend)).subscribeOn(Schedulers.boundedElastic());
	}

}
