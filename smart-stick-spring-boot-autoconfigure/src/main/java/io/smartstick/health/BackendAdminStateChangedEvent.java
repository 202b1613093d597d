package io.smartstick.health;

import io.smartstick.balancer.AdminState;
import io.smartstick.balancer.AdminStateChange;
import io.smartstick.balancer.Backend;

import org.springframework.context.ApplicationEvent;

/**
 * Published once each time an operator changes a backend's admin state (ready, drain,
 * maintenance).
 *
 * @author smart-stick
 */
public class BackendAdminStateChangedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient AdminStateChange change;

	/**
	 * Create an event.
	 * @param source the backend
	 * @param change what changed
	 */
	public BackendAdminStateChangedEvent(Object source, AdminStateChange change) {
		super(source);
		this.change = change;
	}

	/**
	 * Return the backend.
	 * @return the backend
	 */
	public Backend getBackend() {
		return this.change.backend();
	}

	/**
	 * Return the admin state before the change.
	 * @return the previous state
	 */
	public AdminState getPrevious() {
		return this.change.previous();
	}

	/**
	 * Return the admin state now.
	 * @return the current state
	 */
	public AdminState getCurrent() {
		return this.change.current();
	}

}
