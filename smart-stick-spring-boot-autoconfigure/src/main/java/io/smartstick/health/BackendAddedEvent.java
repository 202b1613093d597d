package io.smartstick.health;

import io.smartstick.balancer.Backend;

/**
 * Published once for each backend added to a pool while the load balancer runs (from
 * discovery, a changed configuration file or refreshed properties). It takes new clients
 * after its first passing health check when its pool is checked.
 *
 * @author smart-stick
 */
public class BackendAddedEvent extends BackendMembershipEvent {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an event.
	 * @param source the registry that changed
	 * @param backend the backend added
	 */
	public BackendAddedEvent(Object source, Backend backend) {
		super(source, backend);
	}

	@Override
	public String toString() {
		return getBackend().describe() + " was added";
	}

}
