package io.smartstick.dashboard;

/**
 * Whether the dashboard offers drain, maintenance and ready buttons: only when the
 * {@code smartstick} Actuator endpoint takes writes on the load balancer's own port, as
 * its buttons call it, so the same access rules (and any security in front of Actuator)
 * apply.
 *
 * @param allowed whether the buttons are shown
 * @param endpoint path of the endpoint the buttons post to, such as
 * {@code /actuator/smartstick}, or {@code null} when not allowed
 * @param reason why the buttons are absent, for the page to say, or {@code null} when
 * allowed
 * @author smart-stick
 */
public record DashboardWrites(boolean allowed, String endpoint, String reason) {

	/**
	 * Writes allowed through the given endpoint.
	 * @param endpoint the endpoint's path
	 * @return the decision
	 */
	public static DashboardWrites allowed(String endpoint) {
		return new DashboardWrites(true, endpoint, null);
	}

	/**
	 * Writes not allowed.
	 * @param reason why, and how to allow them
	 * @return the decision
	 */
	public static DashboardWrites denied(String reason) {
		return new DashboardWrites(false, null, reason);
	}

}
