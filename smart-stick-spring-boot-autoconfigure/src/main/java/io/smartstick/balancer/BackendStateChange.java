package io.smartstick.balancer;

import java.time.Instant;

/**
 * A backend went down or came back.
 *
 * @param backend the backend
 * @param wasHealthy its state before
 * @param healthy its state now
 * @param cause why it changed
 * @param time when it changed
 * @param firstCheck whether it was the backend's first health decision, such as the first
 * passing check of a backend added while running
 * @author smart-stick
 */
public record BackendStateChange(Backend backend, boolean wasHealthy, boolean healthy, String cause, Instant time,
		boolean firstCheck) {

	/**
	 * Create a change that is not the backend's first health decision.
	 * @param backend the backend
	 * @param wasHealthy its state before
	 * @param healthy its state now
	 * @param cause why it changed
	 * @param time when it changed
	 */
	public BackendStateChange(Backend backend, boolean wasHealthy, boolean healthy, String cause, Instant time) {
		this(backend, wasHealthy, healthy, cause, time, false);
	}

}
