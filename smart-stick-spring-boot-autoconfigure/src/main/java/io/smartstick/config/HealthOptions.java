package io.smartstick.config;

import java.util.List;

/**
 * The valid values of the health check's algorithm and method settings.
 *
 * @author smart-stick
 */
public final class HealthOptions {

	/**
	 * Any HTTP answer means healthy.
	 */
	public static final String ALGORITHM_HTTP = "http";

	/**
	 * Only a 2xx answer means healthy.
	 */
	public static final String ALGORITHM_HTTP_STATUS = "http-status";

	/**
	 * Every valid algorithm name.
	 */
	public static final List<String> ALGORITHMS = List.of(ALGORITHM_HTTP, ALGORITHM_HTTP_STATUS);

	/**
	 * Every valid health check method.
	 */
	public static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

	private HealthOptions() {
	}

}
