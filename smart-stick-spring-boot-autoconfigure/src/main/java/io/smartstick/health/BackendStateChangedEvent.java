package io.smartstick.health;

import java.time.Instant;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendStateChange;

import org.springframework.context.ApplicationEvent;

/**
 * Published once each time a backend goes down or comes back, whatever decided it (an
 * active check, passive detection, an admin action). Logs, alerts and metrics listen to
 * it; nothing is published while the state stays the same.
 *
 * @author smart-stick
 */
public class BackendStateChangedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient BackendStateChange change;

	/**
	 * Create an event.
	 * @param source the registry that changed
	 * @param change what changed
	 */
	public BackendStateChangedEvent(Object source, BackendStateChange change) {
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
	 * Whether the backend was healthy before.
	 * @return the old state
	 */
	public boolean wasHealthy() {
		return this.change.wasHealthy();
	}

	/**
	 * Whether the backend is healthy now.
	 * @return the new state
	 */
	public boolean isHealthy() {
		return this.change.healthy();
	}

	/**
	 * Whether this is the backend's first health decision: a backend added while running
	 * coming up after its first passing check, or any backend failing its first check.
	 * @return {@code true} for the first decision
	 */
	public boolean isFirstCheck() {
		return this.change.firstCheck();
	}

	/**
	 * Return why the state changed, such as "HTTP 503 from /health".
	 * @return the cause
	 */
	public String getCause() {
		return this.change.cause();
	}

	/**
	 * Return when the state changed.
	 * @return the time
	 */
	public Instant getTime() {
		return this.change.time();
	}

	@Override
	public String toString() {
		return getBackend().describe() + " is "
				+ (isHealthy() ? "up" : "down") + ": " + getCause();
	}

}
