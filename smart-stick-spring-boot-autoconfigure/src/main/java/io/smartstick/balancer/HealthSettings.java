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
 * @param checkBeanName name of the HealthCheck bean chosen for this backend, or
 * {@code null} for the default check
 * @param rise consecutive successes that bring the backend back up
 * @param fall consecutive failures that take the backend down
 * @author smart-stick
 */
public record HealthSettings(String path, String method, String algorithm, Duration timeout,
		Map<String, String> headers, String checkBeanName, int rise, int fall) {

	/**
	 * Whether custom headers are sent with the check.
	 * @return {@code true} if any header is configured
	 */
	public boolean hasCustomHeaders() {
		return !this.headers.isEmpty();
	}


}
