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
 * @author smart-stick
 */
public record BackendStateChange(Backend backend, boolean wasHealthy, boolean healthy, String cause, Instant time) {

}
