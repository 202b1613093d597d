package io.smartstick.sticky;

import io.smartstick.balancer.Backend;
import io.smartstick.observe.Assignment;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;

/**
 * The backend chosen for one request and how it was chosen. It is the load balancer's
 * {@link Response}, which Gateway keeps as an exchange attribute for the filters after it.
 *
 * @author smart-stick
 */
public final class StickySelection implements Response<ServiceInstance> {

	private final Backend backend;

	private final Assignment assignment;

	StickySelection(Backend backend, Assignment assignment) {
		this.backend = backend;
		this.assignment = assignment;
	}

	/**
	 * Return the chosen backend.
	 * @return the backend
	 */
	public Backend backend() {
		return this.backend;
	}

	/**
	 * Return how the backend was chosen.
	 * @return the assignment
	 */
	public Assignment assignment() {
		return this.assignment;
	}

	@Override
	public boolean hasServer() {
		return true;
	}

	@Override
	public ServiceInstance getServer() {
		return this.backend;
	}

}
