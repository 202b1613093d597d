package io.smartstick.actuate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.smartstick.alert.AlertMailedEvent;
import io.smartstick.balancer.AdminState;
import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.Pool;
import io.smartstick.balancer.Pools;
import io.smartstick.health.BackendAddedEvent;
import io.smartstick.health.BackendRemovedEvent;
import io.smartstick.health.BackendStateChangedEvent;
import io.smartstick.observe.Assignment;
import io.smartstick.observe.ExchangeOutcome;
import io.smartstick.observe.SmartStickObserver;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;

/**
 * Micrometer meters of the load balancer: timers of proxied requests and health checks,
 * counters of sticky assignments, retries, health transitions and alerts, and gauges of
 * each backend's in-flight requests, open WebSocket tunnels, health and admin state.
 * Meters are created once per tag combination and reused; a backend's meters are
 * registered when it is added to its pool and removed when it leaves it.
 *
 * @author smart-stick
 */
public class SmartStickMeters
		implements SmartStickObserver, ApplicationListener<ApplicationEvent>, MeterBinder {

	private final MeterRegistry registry;

	private final Pools pools;

	private final Map<Backend, BackendMeters> meters = new ConcurrentHashMap<>();

	private final Map<Backend, List<Meter>> gauges = new ConcurrentHashMap<>();

	private volatile MeterRegistry gaugeRegistry;

	/** Counters of assignments by pool, then by assignment's ordinal. */
	private final Map<String, Counter[]> assignments = new HashMap<>();

	/**
	 * Create the meters of the given backends.
	 * @param registry where timers and counters are registered
	 * @param backends the backends, whose gauges are bound by {@link #bindTo}
	 */
	public SmartStickMeters(MeterRegistry registry, BackendRegistry backends) {
		this(registry, new Pools(List.of(new Pool(Backend.DEFAULT_POOL, backends, ""))));
	}

	/**
	 * Create the meters of the backends of every pool.
	 * @param registry where timers and counters are registered
	 * @param pools the pools, whose backends' gauges are bound by {@link #bindTo}
	 */
	public SmartStickMeters(MeterRegistry registry, Pools pools) {
		this.registry = registry;
		this.pools = pools;
		for (Pool pool : pools.all()) {
			Counter[] counters = new Counter[Assignment.values().length];
			for (Assignment assignment : Assignment.values()) {
				counters[assignment.ordinal()] = Counter.builder("smartstick.sticky")
					.description("Requests by how their backend was decided")
					.tag("pool", pool.name())
					.tag("result", result(assignment))
					.register(registry);
			}
			this.assignments.put(pool.name(), counters);
			for (Backend backend : pool.registry().all()) {
				meters(backend);
			}
		}
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.gaugeRegistry = registry;
		for (Backend backend : this.pools.allBackends()) {
			bindGauges(registry, backend);
		}
	}

	private void bindGauges(MeterRegistry registry, Backend backend) {
		List<Meter> gauges = new ArrayList<>();
		String id = backend.idValue();
		String pool = backend.pool();
		gauges.add(Gauge.builder("smartstick.backend.active", backend, Backend::activeConnections)
			.description("Requests and WebSocket sessions in flight to a backend")
			.tag("pool", pool)
			.tag("backend", id)
			.strongReference(true)
			.register(registry));
		gauges.add(Gauge.builder("smartstick.backend.tunnels", backend, Backend::openTunnels)
			.description("WebSocket tunnels open to a backend")
			.tag("pool", pool)
			.tag("backend", id)
			.strongReference(true)
			.register(registry));
		gauges.add(Gauge.builder("smartstick.backend.up", backend, (b) -> b.isHealthy() ? 1 : 0)
			.description("Whether a backend is healthy (1) or not (0)")
			.tag("pool", pool)
			.tag("backend", id)
			.strongReference(true)
			.register(registry));
		for (AdminState state : AdminState.values()) {
			gauges.add(Gauge.builder("smartstick.backend.admin", backend, (b) -> (b.adminState() == state) ? 1 : 0)
				.description("Whether a backend is in the tagged admin state (1) or not (0)")
				.tag("pool", pool)
			.tag("backend", id)
				.tag("state", state.name().toLowerCase(Locale.ROOT))
				.strongReference(true)
				.register(registry));
		}
		this.gauges.put(backend, gauges);
	}

	@Override
	public void assigned(Backend backend, Assignment assignment) {
		Counter[] counters = this.assignments.get(backend.pool());
		if (counters != null) {
			counters[assignment.ordinal()].increment();
		}
	}

	@Override
	public void exchangeEnded(Backend backend, int status, ExchangeOutcome outcome, long durationNanos) {
		if (backend.removed()) {
			// its meters are gone with it
			return;
		}
		meters(backend).request(status, outcome).record(durationNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void retried(Backend failed, String cause) {
		if (failed.removed()) {
			return;
		}
		meters(failed).retry(cause).increment();
	}

	@Override
	public void healthChecked(Backend backend, boolean healthy, long durationNanos) {
		if (backend.removed()) {
			return;
		}
		meters(backend).healthCheck(healthy).record(durationNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof BackendStateChangedEvent changed) {
			if (!changed.getBackend().removed()) {
				meters(changed.getBackend()).transition(changed.isHealthy()).increment();
			}
		}
		else if (event instanceof BackendAddedEvent added) {
			Backend backend = added.getBackend();
			meters(backend);
			MeterRegistry gaugeRegistry = this.gaugeRegistry;
			if (gaugeRegistry != null) {
				bindGauges(gaugeRegistry, backend);
			}
		}
		else if (event instanceof BackendRemovedEvent removed) {
			Backend backend = removed.getBackend();
			BackendMeters meters = this.meters.remove(backend);
			if (meters != null) {
				meters.remove();
			}
			List<Meter> gauges = this.gauges.remove(backend);
			MeterRegistry gaugeRegistry = this.gaugeRegistry;
			if (gauges != null && gaugeRegistry != null) {
				gauges.forEach(gaugeRegistry::remove);
			}
		}
		else if (event instanceof AlertMailedEvent mailed) {
			recordAlert(mailed.isSent());
		}
	}

	/**
	 * Count an alert by whether it could be sent.
	 * @param sent whether it was sent
	 */
	public void recordAlert(boolean sent) {
		Counter.builder("smartstick.alerts")
			.description("Alerts about backend state changes, by whether they could be sent")
			.tag("result", sent ? "sent" : "failed")
			.register(this.registry)
			.increment();
	}

	private BackendMeters meters(Backend backend) {
		BackendMeters meters = this.meters.get(backend);
		return (meters != null) ? meters
				: this.meters.computeIfAbsent(backend, (key) -> new BackendMeters(this.registry, key));
	}

	private static String result(Assignment assignment) {
		return switch (assignment) {
			case KEPT -> "hit";
			case NEW -> "miss";
			case REASSIGNED -> "reassigned";
			case REFUSED -> "refused";
		};
	}

}
