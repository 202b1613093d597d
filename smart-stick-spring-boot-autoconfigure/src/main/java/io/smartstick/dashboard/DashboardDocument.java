package io.smartstick.dashboard;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import io.smartstick.balancer.AdminState;
import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendHealth;
import io.smartstick.balancer.HealthSettings;
import io.smartstick.balancer.Pool;
import io.smartstick.balancer.Pools;

/**
 * What the dashboard is sent, as maps ready for Jackson: per pool its totals, per backend
 * its state (with rise and fall on the way), figures of the last minute and latest check,
 * and the latest state changes. Only what the status endpoint shows, plus traffic: no
 * health check header, owner, secret, nor user info of a URL. Not thread-safe: the
 * {@link DashboardSampler} guards it with the series it reads.
 *
 * @author smart-stick
 */
final class DashboardDocument {

	private final Pools pools;

	private final TrafficRecorder traffic;

	private final StateChanges changes;

	private final Supplier<DashboardWrites> writes;

	private final Duration interval;

	private final Map<Backend, BackendSeries> series;

	private final long[] scratch;

	DashboardDocument(Pools pools, TrafficRecorder traffic, StateChanges changes, Supplier<DashboardWrites> writes,
			Duration interval, Map<Backend, BackendSeries> series, long[] scratch) {
		this.pools = pools;
		this.traffic = traffic;
		this.changes = changes;
		this.writes = writes;
		this.interval = interval;
		this.series = series;
		this.scratch = scratch;
	}

	/**
	 * Build a snapshot ({@code full}: with what never changes and the sparklines' history)
	 * or an update (with the newest sparkline point when {@code sampled}).
	 */
	Map<String, Object> build(boolean full, boolean sampled) {
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("time", System.currentTimeMillis());
		if (full) {
			document.put("interval", this.interval.toMillis());
			DashboardWrites writes = this.writes.get();
			Map<String, Object> actions = new LinkedHashMap<>();
			actions.put("allowed", writes.allowed());
			actions.put("endpoint", writes.endpoint());
			actions.put("reason", writes.reason());
			document.put("writes", actions);
		}
		List<Map<String, Object>> pools = new ArrayList<>();
		for (Pool pool : this.pools.all()) {
			pools.add(pool(pool, full, sampled));
		}
		document.put("pools", pools);
		document.put("changes", this.changes.latest());
		return document;
	}

	private Map<String, Object> pool(Pool pool, boolean full, boolean sampled) {
		List<Map<String, Object>> backends = new ArrayList<>();
		int up = 0;
		int inFlight = 0;
		int tunnels = 0;
		double rps = 0;
		long ended = 0;
		long errors = 0;
		for (Backend backend : pool.registry().all()) {
			BackendSeries series = this.series.get(backend);
			if (series == null) {
				continue;
			}
			backends.add(backend(backend, series, full, sampled));
			up += backend.isHealthy() ? 1 : 0;
			inFlight += backend.activeConnections();
			tunnels += backend.openTunnels();
			rps += series.requestRate();
			ended += series.endedInMinute();
			errors += series.errorsInMinute();
		}
		Map<String, Object> totals = new LinkedHashMap<>();
		totals.put("backends", backends.size());
		totals.put("up", up);
		totals.put("inFlight", inFlight);
		totals.put("websockets", tunnels);
		totals.put("rps", round(rps));
		totals.put("errorRate", (ended > 0) ? round4((double) errors / ended) : null);
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("name", pool.name());
		if (full) {
			entry.put("strategy", pool.strategy());
		}
		entry.put("totals", totals);
		entry.put("backends", backends);
		return entry;
	}

	private Map<String, Object> backend(Backend backend, BackendSeries series, boolean full, boolean sampled) {
		BackendHealth health = backend.health();
		BackendTraffic.HealthChecks checks = this.traffic.traffic(backend).checks();
		HealthSettings settings = backend.healthSettings();
		StateChanges.Change change = this.changes.latest(backend);
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("id", backend.hasNumericKey() ? backend.id() : backend.idValue());
		if (full) {
			entry.put("url", withoutUserInfo(backend.url()));
			entry.put("healthPath", settings.path());
		}
		String healthState = healthState(backend.isHealthy(), checks, settings);
		entry.put("state", state(healthState, backend.adminState()));
		entry.put("health", healthState);
		entry.put("progress", progress(healthState, checks, settings));
		entry.put("admin", backend.adminState().name().toLowerCase(Locale.ROOT));
		entry.put("since", change.time().toEpochMilli());
		entry.put("cause", change.cause());
		entry.put("weight", backend.weight());
		entry.put("inFlight", backend.activeConnections());
		entry.put("websockets", backend.openTunnels());
		entry.put("rps", round(series.requestRate()));
		Double[] latency = series.latency(this.scratch, 0.5, 0.99);
		entry.put("p50", round(latency[0]));
		entry.put("p99", round(latency[1]));
		Double errorRate = series.errorRate();
		entry.put("errorRate", (errorRate != null) ? round4(errorRate) : null);
		Map<String, Object> check = new LinkedHashMap<>();
		check.put("time", (health.lastChecked() != null) ? health.lastChecked().toEpochMilli() : null);
		check.put("passed", (checks.durationNanos() >= 0) ? checks.passed() : null);
		check.put("latency", (checks.durationNanos() >= 0) ? round(checks.durationNanos() / 1e6) : null);
		check.put("result", health.cause());
		entry.put("check", check);
		if (full) {
			entry.put("history", series.history());
		}
		else {
			entry.put("point", sampled ? series.newestPoint() : null);
		}
		return entry;
	}

	/**
	 * Return the health part of a backend's state: UP, DOWN, or on its way while rise or
	 * fall counts (GOING_DOWN, COMING_UP).
	 */
	private static String healthState(boolean healthy, BackendTraffic.HealthChecks checks, HealthSettings settings) {
		if (healthy) {
			return (checks.failures() > 0 && checks.failures() < settings.fall()) ? "GOING_DOWN" : "UP";
		}
		return (checks.passes() > 0 && checks.passes() < settings.rise()) ? "COMING_UP" : "DOWN";
	}

	private static String state(String healthState, AdminState admin) {
		if (healthState.equals("DOWN") || healthState.equals("COMING_UP")) {
			return healthState;
		}
		return switch (admin) {
			case MAINTENANCE -> "MAINTENANCE";
			case DRAIN -> "DRAINING";
			case READY -> healthState;
		};
	}

	private static String progress(String healthState, BackendTraffic.HealthChecks checks,
			HealthSettings settings) {
		return switch (healthState) {
			case "GOING_DOWN" -> checks.failures() + "/" + settings.fall();
			case "COMING_UP" -> checks.passes() + "/" + settings.rise();
			default -> null;
		};
	}

	private static String withoutUserInfo(URI url) {
		if (url.getRawUserInfo() == null) {
			return url.toString();
		}
		try {
			return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), null, null).toString();
		}
		catch (URISyntaxException ex) {
			return url.getScheme() + "://" + url.getHost();
		}
	}

	private static Double round(Double value) {
		return (value != null) ? round(value.doubleValue()) : null;
	}

	private static double round(double value) {
		return Math.round(value * 100) / 100.0;
	}

	private static double round4(double value) {
		return Math.round(value * 10000) / 10000.0;
	}

}
