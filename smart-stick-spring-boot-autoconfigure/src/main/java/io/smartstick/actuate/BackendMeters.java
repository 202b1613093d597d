package io.smartstick.actuate;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.smartstick.balancer.Backend;
import io.smartstick.observe.ExchangeOutcome;

/**
 * The meters of one backend, created once and reused so that recording a request
 * allocates nothing.
 *
 * @author smart-stick
 */
final class BackendMeters {

	private static final String[] STATUS = { "NONE", "1xx", "2xx", "3xx", "4xx", "5xx" };

	private static final String[] OUTCOME = { "UNKNOWN", "INFORMATIONAL", "SUCCESS", "REDIRECTION", "CLIENT_ERROR",
			"SERVER_ERROR" };

	private static final ExchangeOutcome[] RESULTS = ExchangeOutcome.values();

	private final MeterRegistry registry;

	private final Tags tags;

	private final AtomicReferenceArray<Timer> requests = new AtomicReferenceArray<>(STATUS.length * RESULTS.length);

	private final Timer healthyChecks;

	private final Timer unhealthyChecks;

	private final Counter ups;

	private final Counter downs;

	private final Map<String, Counter> retries = new ConcurrentHashMap<>();

	BackendMeters(MeterRegistry registry, Backend backend) {
		this.registry = registry;
		this.tags = Tags.of("pool", backend.pool(), "backend", backend.idValue());
		this.healthyChecks = healthChecks("healthy");
		this.unhealthyChecks = healthChecks("unhealthy");
		this.ups = transitions("up");
		this.downs = transitions("down");
	}

	Timer request(int status, ExchangeOutcome result) {
		int statusClass = (status >= 100 && status < 600) ? status / 100 : 0;
		int index = statusClass * RESULTS.length + result.ordinal();
		Timer timer = this.requests.get(index);
		if (timer == null) {
			timer = Timer.builder("smartstick.requests")
				.description("Requests proxied to a backend")
				.tags(this.tags)
				.tag("outcome", OUTCOME[statusClass])
				.tag("status", STATUS[statusClass])
				.tag("result", result.name().toLowerCase(Locale.ROOT))
				.register(this.registry);
			this.requests.set(index, timer);
		}
		return timer;
	}

	/**
	 * Remove every meter of the backend from the registry, once it left its pool.
	 */
	void remove() {
		for (int i = 0; i < this.requests.length(); i++) {
			Timer timer = this.requests.get(i);
			if (timer != null) {
				this.registry.remove(timer);
			}
		}
		this.registry.remove(this.healthyChecks);
		this.registry.remove(this.unhealthyChecks);
		this.registry.remove(this.ups);
		this.registry.remove(this.downs);
		this.retries.values().forEach(this.registry::remove);
	}

	Timer healthCheck(boolean healthy) {
		return healthy ? this.healthyChecks : this.unhealthyChecks;
	}

	Counter transition(boolean healthy) {
		return healthy ? this.ups : this.downs;
	}

	Counter retry(String cause) {
		return this.retries.computeIfAbsent(cause, (key) -> Counter.builder("smartstick.retries")
			.description("Failed requests retried on another backend, by the backend they failed on")
			.tags(this.tags)
			.tag("cause", key)
			.register(this.registry));
	}

	private Timer healthChecks(String outcome) {
		return Timer.builder("smartstick.health.checks")
			.description("Active health checks of a backend")
			.tags(this.tags)
			.tag("outcome", outcome)
			.register(this.registry);
	}

	private Counter transitions(String state) {
		return Counter.builder("smartstick.backend.transitions")
			.description("Times a backend went down or came back up")
			.tags(this.tags)
			.tag("state", state)
			.register(this.registry);
	}

}
