package io.smartstick.dashboard;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.smartstick.balancer.Backend;
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

	/** How long a state change waits for the changes that come with it before it is pushed. */
	private static final Duration CHANGE_DELAY = Duration.ofMillis(100);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final Object monitor = new Object();

	private final Pools pools;

	private final TrafficRecorder traffic;

	private final StateChanges changes;

	private final DashboardDocument document;

	private final DashboardStream stream;

	private final Duration interval;

	private final Scheduler scheduler;

	private final Map<Backend, BackendSeries> series = new IdentityHashMap<>();

	private final long[] scratch = new long[LatencyBuckets.COUNT];

	private final int points;

	private final long slotNanos;

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
		this.stream = stream;
		this.interval = interval;
		this.scheduler = scheduler;
		this.points = (int) Math.max(2, MINUTE.toMillis() / Math.max(interval.toMillis(), 1));
		this.slotNanos = MINUTE.toNanos() / 6;
		for (Backend backend : pools.allBackends()) {
			this.series.put(backend, new BackendSeries(this.points, this.slotNanos));
		}
		this.document = new DashboardDocument(pools, traffic, changes, writes, interval, this.series, this.scratch);
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
	 * than at the next sample: one update for a burst of changes (those of the next
	 * 100 ms), built off the thread that published the change, and none while no
	 * dashboard is open.
	 */
	private void changed() {
		if (this.stream.subscribers() > 0 && this.changePending.compareAndSet(false, true)) {
			// a short wait gathers the changes of a burst (a reload, a discovery refresh) into one update
			this.scheduler.schedule(() -> {
				this.changePending.set(false);
				publish(false);
			}, CHANGE_DELAY.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private void publish(boolean sample) {
		try {
			synchronized (this.monitor) {
				if (sample) {
					followMembership();
					long now = System.nanoTime();
					for (Map.Entry<Backend, BackendSeries> entry : this.series.entrySet()) {
						Backend backend = entry.getKey();
						entry.getValue().sample(now, backend.requests(), this.traffic.traffic(backend), this.scratch);
					}
				}
				if (this.stream.subscribers() == 0) {
					// nobody to read it: a dashboard that connects starts from a snapshot of its own
					return;
				}
				// published under the monitor too, so that updates go out in the order they were built
				this.stream.publish(mapper.writeValueAsString(this.document.build(false, sample)));
			}
		}
		catch (RuntimeException ex) {
			// one failed sample must not end the samples that follow
			logger.error("Could not sample the backends for the dashboard", ex);
		}
	}

	/**
	 * Give backends added while running a series of their own, and forget those removed,
	 * so that the page follows discovery and reloads and keeps nothing of a backend gone.
	 */
	private void followMembership() {
		Set<Backend> current = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Pool pool : this.pools.all()) {
			for (Backend backend : pool.registry().all()) {
				current.add(backend);
				this.series.computeIfAbsent(backend, (added) -> new BackendSeries(this.points, this.slotNanos));
			}
		}
		this.series.keySet().retainAll(current);
		this.traffic.retain(current);
	}

	/**
	 * Return the full state, with the last minute of every sparkline, as JSON.
	 * @return the snapshot
	 */
	String snapshot() {
		synchronized (this.monitor) {
			return mapper.writeValueAsString(this.document.build(true, false));
		}
	}

}
