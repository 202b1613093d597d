package io.smartstick.balancer;

/**
 * An operator changed a backend's admin state.
 *
 * @param backend the backend
 * @param previous its admin state before
 * @param current its admin state now
 * @author smart-stick
 */
public record AdminStateChange(Backend backend, AdminState previous, AdminState current) {

}
