package io.smartstick.health;

import io.smartstick.balancer.Backend;

/**
 * Published once for each backend removed from a pool while the load balancer runs. It
 * takes no new request from then on; its requests in flight and open WebSockets finish,
 * bounded by the drain timeout, and its sticky clients move on their next request.
 *
 * @author smart-stick
 */
public class BackendRemovedEvent extends BackendMembershipEvent {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an event.
	 * @param source the registry that changed
	 * @param backend the backend removed
	 */
	public BackendRemovedEvent(Object source, Backend backend) {
		super(source, backend);
	}

	@Override
	public String toString() {
		return getBackend().describe() + " was removed";
	}

}
