package io.smartstick.sticky;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.BalancingStrategy;

/**
 * Decides which backend serves a request: the one named by a valid sticky cookie if it is
 * healthy, otherwise the one the strategy picks among the available backends. Lock-free
 * and allocation-free for returning clients.
 *
 * @author smart-stick
 */
public class StickyBackendSelector {

	private final BackendRegistry registry;

	private final StickyCookieCodec codec;

	private final BalancingStrategy strategy;

	/**
	 * Create a selector.
	 * @param registry the backends
	 * @param codec reads the sticky cookie's value
	 * @param strategy picks a backend for new clients
	 */
	public StickyBackendSelector(BackendRegistry registry, StickyCookieCodec codec, BalancingStrategy strategy) {
		this.registry = registry;
		this.codec = codec;
		this.strategy = strategy;
	}

	/**
	 * Select the backend for a request.
	 * @param cookieValue the sticky cookie's value, {@code null} when absent
	 * @return the selection, or {@code null} when no backend is available
	 */
	public StickySelection select(String cookieValue) {
		Backend sticky = this.codec.decode(cookieValue, this.registry);
		if (sticky != null && sticky.isHealthy()) {
			return new StickySelection(sticky, Assignment.KEPT);
		}
		Backend chosen = this.strategy.choose(this.registry.available());
		if (chosen == null) {
			return null;
		}
		return new StickySelection(chosen, (sticky != null) ? Assignment.REASSIGNED : Assignment.NEW);
	}

	/**
	 * Return the strategy for new clients.
	 * @return the strategy
	 */
	public BalancingStrategy strategy() {
		return this.strategy;
	}

	/**
	 * Return the backends.
	 * @return the registry
	 */
	public BackendRegistry registry() {
		return this.registry;
	}

}
