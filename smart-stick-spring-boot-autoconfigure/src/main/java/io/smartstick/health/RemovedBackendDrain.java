package io.smartstick.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.smartstick.balancer.Backend;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationListener;

/**
 * Ends the drain of every removed backend: requests in flight to it finish on their own,
 * and when the drain timeout ends whatever is still open to it (WebSocket tunnels) is
 * closed and logged.
 *
 * @author smart-stick
 */
public class RemovedBackendDrain implements ApplicationListener<BackendRemovedEvent>, DisposableBean {

	private static final Log logger = LogFactory.getLog(RemovedBackendDrain.class);

	private final Duration timeout;

	private final Scheduler scheduler;

	private final Map<Backend, Disposable> draining = new ConcurrentHashMap<>();

	/**
	 * Create the drain.
	 * @param timeout time a removed backend's connections may stay open
	 * @param scheduler runs the timers
	 */
	public RemovedBackendDrain(Duration timeout, Scheduler scheduler) {
		this.timeout = timeout;
		this.scheduler = scheduler;
	}

	@Override
	public void onApplicationEvent(BackendRemovedEvent event) {
		Backend backend = event.getBackend();
		this.draining.put(backend, this.scheduler.schedule(() -> retire(backend), this.timeout.toNanos(),
				TimeUnit.NANOSECONDS));
	}

	private void retire(Backend backend) {
		this.draining.remove(backend);
		int active = backend.activeConnections();
		int closed = backend.retire();
		if (closed > 0 || active > 0) {
			logger.warn(backend.describe() + " was removed " + this.timeout.toSeconds()
					+ " s ago (smartstick.drain-timeout): closed " + closed + " WebSocket connection"
					+ ((closed == 1) ? "" : "s") + " still open to it; " + active + " exchange"
					+ ((active == 1) ? "" : "s") + " still in flight");
		}
		else {
			logger.debug(backend.describe() + " drained");
		}
	}

	/**
	 * Return the backends removed whose drain has not ended yet.
	 * @return how many
	 */
	public int draining() {
		return this.draining.size();
	}

	@Override
	public void destroy() {
		this.draining.values().forEach(Disposable::dispose);
		this.draining.clear();
	}

}
