package io.smartstick.dashboard;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.smartstick.balancer.AdminState;
import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendHealth;
import io.smartstick.balancer.HealthSettings;
import io.smartstick.balancer.Pool;
import io.smartstick.balancer.Pools;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;

/**
 * Samples every backend once per update interval, from the running totals smart-stick
 * keeps anyway (each backend's request count, in-flight requests and open tunnels, the
 * {@link TrafficRecorder}'s latency and error totals, the registry's health and admin
 * state), keeps the last minute of each, and offers the result to every open dashboard
 * through the {@link DashboardStream}: serialized once, whatever the number of
 * dashboards. Sampling runs off the request path; nothing is sampled per request.
 *
 * @author smart-stick
 */
public class DashboardSampler implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(DashboardSampler.class);

	private static final Duration MINUTE = Duration.ofMinutes(1);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final Object monitor = new Object();

	private final Pools pools;

	private final TrafficRecorder traffic;

	private final StateChanges changes;

	private final Supplier<DashboardWrites> writes;

	private final DashboardStream stream;

	private final Duration interval;

	private final Scheduler scheduler;

	private final Map<Backend, BackendSeries> series = new IdentityHashMap<>();

	private final long[] scratch = new long[LatencyBuckets.COUNT];

	private final AtomicBoolean changePending = new AtomicBoolean();

	private volatile Disposable ticks;

	/**
	 * Create a sampler.
	 * @param pools every pool
	 * @param traffic the latency and error totals of each backend
	 * @param changes the latest state changes
	 * @param writes whether the page may offer admin actions, asked once per snapshot
	 * @param stream where updates go
	 * @param interval time between two samples
	 * @param scheduler runs the samples
	 */
	public DashboardSampler(Pools pools, TrafficRecorder traffic, StateChanges changes,
			Supplier<DashboardWrites> writes, DashboardStream stream, Duration interval, Scheduler scheduler) {
		this.pools = pools;
		this.traffic = traffic;
		this.changes = changes;
		this.writes = writes;
		this.stream = stream;
		this.interval = interval;
		this.scheduler = scheduler;
		int points = (int) Math.max(2, MINUTE.toMillis() / Math.max(interval.toMillis(), 1));
		long slotNanos = MINUTE.toNanos() / 6;
		for (Backend backend : pools.allBackends()) {
			this.series.put(backend, new BackendSeries(points, slotNanos));
		}
		changes.onChange(this::changed);
	}

	@Override
	public void start() {
		this.ticks = Flux.interval(Duration.ZERO, this.interval, this.scheduler)
			.onBackpressureDrop()
			.subscribe((tick) -> tick());
	}

	@Override
	public void stop() {
		Disposable ticks = this.ticks;
		this.ticks = null;
		if (ticks != null) {
			ticks.dispose();
		}
		// open dashboards end their streams, so that a graceful shutdown need not wait for them
		this.stream.complete();
	}

	@Override
	public boolean isRunning() {
		return this.ticks != null;
	}

	/**
	 * Return the events of one dashboard: a snapshot, then the newest update each time the
	 * server is ready to write one.
	 * @return the events, framed as Server-Sent Events, one group per event to be written
	 * and flushed after the previous one
	 */
	public Flux<Mono<byte[]>> events() {
		return events(() -> true);
	}

	/**
	 * Return the events of one dashboard: a snapshot, then the newest update each time the
	 * server is ready to write one and the connection is writable.
	 * @param writable whether the dashboard's connection takes more bytes now
	 * @return the events, framed as Server-Sent Events, one group per event to be written
	 * and flushed after the previous one
	 */
	public Flux<Mono<byte[]>> events(BooleanSupplier writable) {
		return this.stream.events(this::snapshot, writable);
	}

	/**
	 * Return the number of dashboards connected now.
	 * @return the count
	 */
	public int subscribers() {
		return this.stream.subscribers();
	}

	/**
	 * Sample every backend and offer the update to the open dashboards.
	 */
	void tick() {
		publish(true);
	}

	/**
	 * Offer the open dashboards an update at once when a backend changed state, rather
	 * than at the next sample: one update for a burst of changes, built off the thread
	 * that published the change.
	 */
	private void changed() {
		if (this.changePending.compareAndSet(false, true)) {
			this.scheduler.schedule(() -> {
				this.changePending.set(false);
				publish(false);
			});
		}
	}

	private void publish(boolean sample) {
		try {
			synchronized (this.monitor) {
				if (sample) {
					long now = System.nanoTime();
					for (Map.Entry<Backend, BackendSeries> entry : this.series.entrySet()) {
						Backend backend = entry.getKey();
						entry.getValue().sample(now, backend.requests(), this.traffic.traffic(backend), this.scratch);
					}
				}
				// published under the monitor too, so that updates go out in the order they were built
				this.stream.publish(mapper.writeValueAsString(document(false, sample)));
			}
		}
		catch (RuntimeException ex) {
			// one failed sample must not end the samples that follow
			logger.error("Could not sample the backends for the dashboard", ex);
		}
	}

	/**
	 * Return the full state, with the last minute of every sparkline, as JSON.
	 * @return the snapshot
	 */
	String snapshot() {
		synchronized (this.monitor) {
			return mapper.writeValueAsString(document(true, false));
		}
	}

	/**
	 * Build a snapshot ({@code full}: with what never changes and the sparklines' history)
	 * or an update (with the newest sparkline point when {@code sampled}).
	 */
	private Map<String, Object> document(boolean full, boolean sampled) {
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
		entry.put("id", backend.id());
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
