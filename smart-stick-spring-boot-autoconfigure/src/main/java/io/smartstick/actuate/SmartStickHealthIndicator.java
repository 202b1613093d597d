package io.smartstick.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health contributor {@code smartstick}: UP with each backend's health, admin state,
 * cause and URL as details. By default it stays UP when no backend is healthy, since the
 * load balancer itself still works; it reports DOWN then only when asked to.
 *
 * @author smart-stick
 */
public class SmartStickHealthIndicator extends AbstractHealthIndicator {

	private final BackendRegistry registry;

	private final boolean downWhenNoHealthyBackend;

	/**
	 * Create a health indicator.
	 * @param registry the backends
	 * @param downWhenNoHealthyBackend whether to report DOWN when no backend is healthy
	 */
	public SmartStickHealthIndicator(BackendRegistry registry, boolean downWhenNoHealthyBackend) {
		super("smart-stick health check failed");
		this.registry = registry;
		this.downWhenNoHealthyBackend = downWhenNoHealthyBackend;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Map<String, Object> backends = new LinkedHashMap<>();
		int healthy = 0;
		for (Backend backend : this.registry.all()) {
			if (backend.isHealthy()) {
				healthy++;
			}
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("healthy", backend.isHealthy());
			details.put("adminState", backend.adminState().name().toLowerCase(Locale.ROOT));
			details.put("cause", backend.health().cause());
			details.put("url", backend.url().toString());
			backends.put(backend.idValue(), details);
		}
		if (healthy == 0 && this.downWhenNoHealthyBackend) {
			builder.down();
		}
		else {
			builder.up();
		}
		builder.withDetail("healthy", healthy).withDetail("total", backends.size()).withDetail("backends", backends);
	}

}
