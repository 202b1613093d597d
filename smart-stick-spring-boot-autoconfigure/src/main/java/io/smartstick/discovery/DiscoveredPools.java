package io.smartstick.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Every pool whose backends come from service discovery, refreshed on Spring Cloud's
 * {@link HeartbeatEvent heartbeat events} and every pool's refresh interval. On start each
 * pool's first look-up is awaited, for a bounded time, so that the load balancer starts
 * with backends.
 *
 * @author smart-stick
 */
public class DiscoveredPools implements SmartLifecycle, ApplicationListener<HeartbeatEvent> {

	private static final Log logger = LogFactory.getLog(DiscoveredPools.class);

	private static final Duration FIRST_LOOK_UP = Duration.ofSeconds(15);

	private final List<DiscoveredPool> pools;

	private final Scheduler scheduler;

	private final List<Disposable> timers = new ArrayList<>();

	private volatile boolean running;

	/**
	 * Create the discovered pools.
	 * @param pools one per pool whose backends are discovered
	 * @param scheduler runs the periodic refreshes
	 */
	public DiscoveredPools(List<DiscoveredPool> pools, Scheduler scheduler) {
		this.pools = List.copyOf(pools);
		this.scheduler = scheduler;
	}

	/**
	 * Return the discovered pools.
	 * @return one per pool whose backends are discovered
	 */
	public List<DiscoveredPool> all() {
		return this.pools;
	}

	@Override
	public synchronized void start() {
		this.running = true;
		try {
			Flux.fromIterable(this.pools).flatMap(DiscoveredPool::refresh).then().block(FIRST_LOOK_UP);
		}
		catch (RuntimeException ex) {
			logger.warn("The first look-up of discovered backends did not end within " + FIRST_LOOK_UP.toSeconds()
					+ " s; pools fill in as look-ups complete");
		}
		for (DiscoveredPool pool : this.pools) {
			Duration interval = pool.settings().refreshInterval();
			this.timers.add(Flux.interval(interval, interval, this.scheduler)
				.onBackpressureDrop()
				.concatMap((tick) -> pool.refresh())
				.subscribe());
		}
	}

	/**
	 * Start before the web server, so that it serves with discovered backends.
	 * @return a phase before the web server's
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		this.timers.forEach(Disposable::dispose);
		this.timers.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void onApplicationEvent(HeartbeatEvent event) {
		if (this.running) {
			Flux.fromIterable(this.pools).flatMap(DiscoveredPool::refresh).subscribe();
		}
	}

	/**
	 * Refresh every pool now.
	 * @return completes when every pool's look-up is applied or failed
	 */
	public Mono<Void> refreshAll() {
		return Flux.fromIterable(this.pools).flatMap(DiscoveredPool::refresh).then();
	}

}
