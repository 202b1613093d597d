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
import io.smartstick.balancer.Pool;
import io.smartstick.balancer.Pools;
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

	private final Pools pools;

	private final String strategy;

	private final Predicate<Backend> customCheck;

	/**
	 * Create a status builder for one pool, as before pools.
	 * @param registry the backends
	 * @param strategy name of the strategy in use
	 * @param customCheck whether a backend's health is decided by a custom check
	 */
	public LoadBalancerStatus(BackendRegistry registry, String strategy, Predicate<Backend> customCheck) {
		this(new Pools(List.of(new Pool(Backend.DEFAULT_POOL, registry, strategy))), strategy, customCheck);
	}

	/**
	 * Create a status builder.
	 * @param pools every pool
	 * @param strategy name of the top-level strategy, shown as {@code strategy}
	 * @param customCheck whether a backend's health is decided by a custom check
	 */
	public LoadBalancerStatus(Pools pools, String strategy, Predicate<Backend> customCheck) {
		this.pools = pools;
		this.strategy = strategy;
		this.customCheck = customCheck;
	}

	/**
	 * Return the status as of now: the original's shape when the default pool is the only
	 * one; with several pools, every backend names its pool, the totals count every pool,
	 * and {@code pools} gives each pool's strategy and totals.
	 * @return ordered map ready to serialize as JSON
	 */
	public Map<String, Object> snapshot() {
		boolean several = !this.pools.onlyDefault();
		List<Map<String, Object>> entries = new ArrayList<>();
		Map<String, Object> pools = new LinkedHashMap<>();
		int total = 0;
		int healthy = 0;
		for (Pool pool : this.pools.all()) {
			List<Backend> backends = pool.registry().all();
			int poolHealthy = 0;
			for (Backend backend : backends) {
				if (backend.isHealthy()) {
					poolHealthy++;
				}
				entries.add(backend(backend, several));
			}
			total += backends.size();
			healthy += poolHealthy;
			Map<String, Object> summary = new LinkedHashMap<>();
			summary.put("strategy", pool.strategy());
			summary.put("total", backends.size());
			summary.put("healthy", poolHealthy);
			summary.put("unhealthy", backends.size() - poolHealthy);
			pools.put(pool.name(), summary);
		}
		Map<String, Object> status = new LinkedHashMap<>();
		status.put("timestamp", format(Instant.now()));
		status.put("strategy", this.strategy);
		status.put("total", total);
		status.put("healthy", healthy);
		status.put("unhealthy", total - healthy);
		status.put("backends", entries);
		if (several) {
			status.put("pools", pools);
		}
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

	private Map<String, Object> backend(Backend backend, boolean withPool) {
		Map<String, Object> entry = new LinkedHashMap<>();
		if (withPool) {
			entry.put("pool", backend.pool());
		}
		// configured backends keep the original's integer ids; discovered ones have a stable key
		entry.put("id", backend.hasNumericKey() ? backend.id() : backend.idValue());
		entry.put("url", backend.url().toString());
		if (!backend.serving()) {
			entry.put("serving", false);
		}
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
