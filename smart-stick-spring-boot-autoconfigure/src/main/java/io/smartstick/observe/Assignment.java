package io.smartstick.observe;

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
	REASSIGNED,

	/**
	 * The sticky cookie named a known backend that is down and the failover policy is
	 * strict: the request is refused rather than moved.
	 */
	REFUSED;

	/**
	 * Whether the response must carry a new sticky cookie.
	 * @return {@code true} for a new or changed assignment
	 */
	public boolean issuesCookie() {
		return this == NEW || this == REASSIGNED;
	}

}
