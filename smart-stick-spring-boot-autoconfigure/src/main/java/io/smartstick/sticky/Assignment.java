package io.smartstick.sticky;

/**
 * How a request's backend was decided.
 *
 * @author smart-stick
 */
public enum Assignment {

	/**
	 * The sticky cookie named a healthy backend, which serves the request.
	 */
	KEPT,

	/**
	 * The request had no usable sticky cookie; the strategy chose a backend.
	 */
	NEW,

	/**
	 * The sticky cookie named a known backend that is down; the strategy chose another.
	 */
	REASSIGNED;

	/**
	 * Whether the response must carry a new sticky cookie.
	 * @return {@code true} unless the assignment was kept
	 */
	public boolean issuesCookie() {
		return this != KEPT;
	}

}
