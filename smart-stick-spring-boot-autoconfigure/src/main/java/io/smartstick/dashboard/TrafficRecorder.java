package io.smartstick.dashboard;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.Pools;
import io.smartstick.observe.ExchangeOutcome;
import io.smartstick.observe.SmartStickObserver;

/**
 * Observer that keeps each backend's {@link BackendTraffic} for the dashboard: running
 * totals only (an atomic increment or two per ended exchange), read by the
 * {@link DashboardSampler} once per update, so that the number of open dashboards
 * changes nothing on the request path.
 *
 * @author smart-stick
 */
public class TrafficRecorder implements SmartStickObserver {

	/** By backend (by identity: ids repeat across pools). */
	private final Map<Backend, BackendTraffic> traffic = new ConcurrentHashMap<>();

	/**
	 * Create a recorder for the backends of every pool.
	 * @param pools the pools
	 */
	public TrafficRecorder(Pools pools) {
		for (Backend backend : pools.allBackends()) {
			this.traffic.put(backend, new BackendTraffic());
		}
	}

	@Override
	public void exchangeEnded(Backend backend, int status, ExchangeOutcome outcome, long durationNanos) {
		traffic(backend).exchangeEnded(status, outcome, durationNanos);
	}

	@Override
	public void healthChecked(Backend backend, boolean healthy, long durationNanos) {
		traffic(backend).healthChecked(healthy, durationNanos);
	}

	/**
	 * Forget the backends removed while running, including those whose last requests
	 * ended after their removal.
	 * @param current the backends of every pool now
	 */
	void retain(Set<Backend> current) {
		this.traffic.keySet().retainAll(current);
	}

	BackendTraffic traffic(Backend backend) {
		BackendTraffic traffic = this.traffic.get(backend);
		return (traffic != null) ? traffic : this.traffic.computeIfAbsent(backend, (key) -> new BackendTraffic());
	}

}
