package io.smartstick.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.BalancingStrategyCatalog;
import io.smartstick.config.BackendDefinitions;
import io.smartstick.config.SmartStickProperties;

/**
 * Builds backends and their registry the way the auto-configuration does: bound
 * {@link SmartStickProperties} turned into backends by {@link BackendDefinitions}, then a
 * {@link BackendRegistry} whose listeners do nothing (no application events in a
 * benchmark).
 *
 * @author smart-stick
 */
final class BenchmarkBackends {

	/**
	 * Service id the backends are registered under, as in {@code SmartStickRoutes}.
	 */
	static final String SERVICE_ID = "smart-stick";

	private BenchmarkBackends() {
	}

	/**
	 * Return default properties with backends {@code 0} to {@code count - 1} on loopback,
	 * weighted 1, 2, 3, 1, 2, 3, ... so weighted strategies do their real work.
	 * @param count the number of backends
	 * @return the properties
	 */
	static SmartStickProperties properties(int count) {
		SmartStickProperties properties = new SmartStickProperties();
		List<SmartStickProperties.Backend> backends = new ArrayList<>(count);
		for (int id = 0; id < count; id++) {
			SmartStickProperties.Backend backend = new SmartStickProperties.Backend();
			backend.setId(Integer.toString(id));
			backend.setUrl("http://127.0.0.1:" + (5000 + id));
			backend.setWeight(1 + (id % 3));
			backends.add(backend);
		}
		properties.setBackends(backends);
		return properties;
	}

	/**
	 * Create a registry of the backends the properties define, all healthy and ready.
	 * @param properties the properties
	 * @return the registry
	 */
	static BackendRegistry registry(SmartStickProperties properties) {
		List<Backend> backends = BackendDefinitions.create(properties, SERVICE_ID, strategies().names());
		return new BackendRegistry(backends, (change) -> {
		}, (change) -> {
		});
	}

	/**
	 * Return the catalog of the built-in strategies, as used with no user strategy bean.
	 * @return the catalog
	 */
	static BalancingStrategyCatalog strategies() {
		return new BalancingStrategyCatalog(List.of());
	}

	/**
	 * Mark a backend down, as a failed health check does.
	 * @param registry the registry
	 * @param id the backend's id
	 * @return the backend
	 */
	static Backend markDown(BackendRegistry registry, int id) {
		Backend backend = registry.find(id);
		registry.updateHealth(backend, false, "marked down by the benchmark", Instant.now());
		return backend;
	}

	/**
	 * Fail the benchmark's set-up unless a condition holds, so a wrong fixture does not
	 * measure the wrong path.
	 * @param condition the condition
	 * @param message what is wrong if it does not hold
	 */
	static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException("Benchmark set-up is wrong: " + message);
		}
	}

}
