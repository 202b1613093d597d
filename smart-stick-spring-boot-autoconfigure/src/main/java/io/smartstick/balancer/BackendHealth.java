package io.smartstick.balancer;

import java.time.Instant;

/**
 * Immutable result of the latest health decision about a backend.
 *
 * @param healthy whether the backend may serve requests
 * @param cause human-readable reason of the latest result, such as "HTTP 200 from /health"
 * @param lastChecked when the backend was last checked, {@code null} before the first check
 * @author smart-stick
 */
public record BackendHealth(boolean healthy, String cause, Instant lastChecked) {

	/**
	 * Health of a backend that was never checked: it is presumed healthy, as in the
	 * original, until a check says otherwise.
	 */
	public static final BackendHealth UNKNOWN = new BackendHealth(true, "not checked yet", null);

	/**
	 * Health of a backend added while the load balancer runs, in a pool whose backends
	 * are checked: it takes no client until its first check passes.
	 */
	public static final BackendHealth AWAITING_CHECK = new BackendHealth(false, "awaiting its first health check",
			null);

}
