package io.smartstick.test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.HealthSettings;

/**
 * Creates {@link Backend backends} for unit tests, on loopback URLs nothing listens on.
 */
public final class Backends {

	/**
	 * Health settings equal to the global defaults.
	 */
	public static final HealthSettings DEFAULT_HEALTH = new HealthSettings("/", "GET", "http-status",
			Duration.ofSeconds(2), Map.of(), null, 1, 1);

	private Backends() {
	}

	/**
	 * Create a backend of weight 1.
	 * @param id the id
	 * @return the backend
	 */
	public static Backend backend(int id) {
		return backend(id, 1);
	}

	/**
	 * Create a backend.
	 * @param id the id
	 * @param weight the weight
	 * @return the backend
	 */
	public static Backend backend(int id, int weight) {
		return new Backend("svc", id, URI.create("http://127.0.0.1:" + (5000 + (id % 60000))), weight, null,
				DEFAULT_HEALTH);
	}

}
