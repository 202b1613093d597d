package io.smartstick.health;

/**
 * Outcome of one health check.
 *
 * @param healthy whether the backend passed
 * @param cause why, for operators: "HTTP 200 from /health", "connection refused",
 * "timeout after 2000 ms", ...
 * @author smart-stick
 */
public record HealthCheckResult(boolean healthy, String cause) {

	/**
	 * A passed check.
	 * @param cause why
	 * @return the result
	 */
	public static HealthCheckResult healthy(String cause) {
		return new HealthCheckResult(true, cause);
	}

	/**
	 * A failed check.
	 * @param cause why
	 * @return the result
	 */
	public static HealthCheckResult unhealthy(String cause) {
		return new HealthCheckResult(false, cause);
	}

}
