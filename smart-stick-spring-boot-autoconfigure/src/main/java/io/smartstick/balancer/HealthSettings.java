package io.smartstick.balancer;

import java.time.Duration;
import java.util.Map;

/**
 * Health check settings of one backend, resolved against the global defaults.
 *
 * @param path path requested by the check
 * @param method HTTP method of the check
 * @param algorithm "http" or "http-status"
 * @param timeout time a check may take
 * @param headers headers sent with the check (never exposed by status endpoints)
 * @param checkBeanName name of a custom HealthCheck bean, or {@code null}
 * @author smart-stick
 */
public record HealthSettings(String path, String method, String algorithm, Duration timeout,
		Map<String, String> headers, String checkBeanName) {

	/**
	 * Whether custom headers are sent with the check.
	 * @return {@code true} if any header is configured
	 */
	public boolean hasCustomHeaders() {
		return !this.headers.isEmpty();
	}

	/**
	 * Whether a custom HealthCheck bean decides the backend's health.
	 * @return {@code true} if a check bean is configured
	 */
	public boolean hasCustomCheck() {
		return this.checkBeanName != null;
	}

}
