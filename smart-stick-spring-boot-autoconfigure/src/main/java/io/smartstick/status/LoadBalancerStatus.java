package io.smartstick.status;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.HealthSettings;

/**
 * Builds the load balancer's status in the original's JSON shape: {@code timestamp,
 * strategy, total, healthy, unhealthy, backends[...]}. Health check header values and
 * bean names never appear in it, only whether they are set.
 *
 * @author smart-stick
 */
public class LoadBalancerStatus {

	private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private final BackendRegistry registry;

	private final String strategy;

	private final Predicate<Backend> customCheck;

	/**
	 * Create a status builder.
	 * @param registry the backends
	 * @param strategy name of the strategy in use
	 * @param customCheck whether a backend's health is decided by a custom check
	 */
	public LoadBalancerStatus(BackendRegistry registry, String strategy, Predicate<Backend> customCheck) {
		this.registry = registry;
		this.strategy = strategy;
		this.customCheck = customCheck;
	}

	/**
	 * Return the status as of now.
	 * @return ordered map ready to serialize as JSON
	 */
	public Map<String, Object> snapshot() {
		List<Backend> backends = this.registry.all();
		List<Map<String, Object>> entries = new ArrayList<>(backends.size());
		int healthy = 0;
		for (Backend backend : backends) {
			if (backend.isHealthy()) {
				healthy++;
			}
			entries.add(backend(backend));
		}
		Map<String, Object> status = new LinkedHashMap<>();
		status.put("timestamp", format(Instant.now()));
		status.put("strategy", this.strategy);
		status.put("total", backends.size());
		status.put("healthy", healthy);
		status.put("unhealthy", backends.size() - healthy);
		status.put("backends", entries);
		return status;
	}

	/**
	 * Format an instant as JavaScript's {@code Date.toISOString()} does.
	 * @param instant the instant, may be {@code null}
	 * @return the text, or {@code null}
	 */
	public static String format(Instant instant) {
		return (instant != null) ? ISO_MILLIS.format(instant) : null;
	}

	private Map<String, Object> backend(Backend backend) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("id", backend.id());
		entry.put("url", backend.url().toString());
		entry.put("healthy", backend.isHealthy());
		entry.put("weight", backend.weight());
		entry.put("requests", backend.requests());
		entry.put("activeConnections", backend.activeConnections());
		entry.put("lastChecked", format(backend.health().lastChecked()));
		entry.put("healthCheck", healthCheck(backend.healthSettings(), this.customCheck.test(backend)));
		return entry;
	}

	private static Map<String, Object> healthCheck(HealthSettings settings, boolean customCheck) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("path", settings.path());
		entry.put("method", settings.method());
		entry.put("algorithm", settings.algorithm());
		entry.put("timeout", settings.timeout().toMillis());
		entry.put("hasCustomHeaders", settings.hasCustomHeaders());
		entry.put("hasCustomFunction", customCheck);
		return entry;
	}

}
