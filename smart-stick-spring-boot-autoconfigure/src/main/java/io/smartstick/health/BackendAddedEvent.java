package io.smartstick.health;

import io.smartstick.balancer.Backend;

import org.springframework.context.ApplicationEvent;

/**
 * Published once for each backend added to a pool while the load balancer runs (from
 * discovery, a changed configuration file or refreshed properties). It takes new clients
 * after its first passing health check when its pool is checked.
 *
 * @author smart-stick
 */
public class BackendAddedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient Backend backend;

	/**
	 * Create an event.
	 * @param source the registry that changed
	 * @param backend the backend added
	 */
	public BackendAddedEvent(Object source, Backend backend) {
		super(source);
		this.backend = backend;
	}

	/**
	 * Return the backend.
	 * @return the backend added
	 */
	public Backend getBackend() {
		return this.backend;
	}

	@Override
	public String toString() {
		return this.backend.describe() + " was added";
	}

}
