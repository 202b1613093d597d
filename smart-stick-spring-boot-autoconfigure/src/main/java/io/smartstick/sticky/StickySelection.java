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

	private final boolean staleCookie;

	StickySelection(Backend backend, Assignment assignment) {
		this(backend, assignment, false);
	}

	StickySelection(Backend backend, Assignment assignment, boolean staleCookie) {
		this.backend = backend;
		this.assignment = assignment;
		this.staleCookie = staleCookie;
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

	/**
	 * Whether the response sets the sticky cookie: for a new or moved client, and for a
	 * kept one whose cookie was signed with a secret other than the first (a secret being
	 * rotated out), so that it is signed with the current one.
	 * @return {@code true} if the cookie is written
	 */
	public boolean issuesCookie() {
		return this.staleCookie || this.assignment.issuesCookie();
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
