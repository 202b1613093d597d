package io.smartstick.health;

import io.smartstick.balancer.Backend;

import org.springframework.context.ApplicationEvent;

/**
 * Published once for each backend removed from a pool while the load balancer runs. It
 * takes no new request from then on; its requests in flight and open WebSockets finish,
 * bounded by the drain timeout, and its sticky clients move on their next request.
 *
 * @author smart-stick
 */
public class BackendRemovedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient Backend backend;

	/**
	 * Create an event.
	 * @param source the registry that changed
	 * @param backend the backend removed
	 */
	public BackendRemovedEvent(Object source, Backend backend) {
		super(source);
		this.backend = backend;
	}

	/**
	 * Return the backend.
	 * @return the backend removed
	 */
	public Backend getBackend() {
		return this.backend;
	}

	@Override
	public String toString() {
		return this.backend.describe() + " was removed";
	}

}
