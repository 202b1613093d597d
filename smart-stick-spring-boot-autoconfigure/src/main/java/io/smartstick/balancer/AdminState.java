package io.smartstick.balancer;

/**
 * Operator's intent for a backend, independent of its health.
 *
 * @author smart-stick
 */
public enum AdminState {

	/**
	 * Normal: in rotation while healthy.
	 */
	READY,

	/**
	 * No new clients; clients already assigned stay, so their sessions can finish.
	 */
	DRAIN,

	/**
	 * Out of rotation: no new clients, and assigned clients are moved (their cookie is
	 * rewritten) as if the backend were down.
	 */
	MAINTENANCE

}
