package io.smartstick.observe;

/**
 * How a proxied exchange ended.
 *
 * @author smart-stick
 */
public enum ExchangeOutcome {

	/**
	 * A response was sent to the client.
	 */
	COMPLETED,

	/**
	 * The exchange failed (the backend could not be reached, broke the connection, or
	 * timed out).
	 */
	FAILED,

	/**
	 * The client went away before the exchange ended.
	 */
	CANCELLED

}
