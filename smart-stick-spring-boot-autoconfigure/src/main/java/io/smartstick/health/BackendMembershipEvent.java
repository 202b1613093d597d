package io.smartstick.health;

import io.smartstick.balancer.Backend;

import org.springframework.context.ApplicationEvent;

/**
 * Published when a pool's backends change while the load balancer runs: a backend
 * {@link BackendAddedEvent added} or {@link BackendRemovedEvent removed}.
 *
 * @author smart-stick
 */
public abstract class BackendMembershipEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient Backend backend;

	/**
	 * Create an event.
	 * @param source the registry that changed
	 * @param backend the backend added or removed
	 */
	protected BackendMembershipEvent(Object source, Backend backend) {
		super(source);
		this.backend = backend;
	}

	/**
	 * Return the backend.
	 * @return the backend added or removed
	 */
	public Backend getBackend() {
		return this.backend;
	}

}
