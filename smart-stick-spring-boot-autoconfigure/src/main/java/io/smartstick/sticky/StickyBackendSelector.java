package io.smartstick.sticky;

import java.util.List;
import java.util.Set;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.BalancingStrategy;
import io.smartstick.observe.Assignment;

/**
 * Decides which backend serves a request: the one named by a valid sticky cookie if it is
 * healthy, otherwise the one the strategy picks among the available backends (or, with
 * the strict failover policy, none). Lock-free and allocation-light on the request path.
 *
 * @author smart-stick
 */
public class StickyBackendSelector {

	private final BackendRegistry registry;

	private final StickyCookieCodec codec;

	private final BalancingStrategy strategy;

	private final boolean strict;

	/**
	 * Create a selector that redistributes clients of down backends.
	 * @param registry the backends
	 * @param codec reads the sticky cookie's value
	 * @param strategy picks a backend for new clients
	 */
	public StickyBackendSelector(BackendRegistry registry, StickyCookieCodec codec, BalancingStrategy strategy) {
		this(registry, codec, strategy, false);
	}

	/**
	 * Create a selector.
	 * @param registry the backends
	 * @param codec reads the sticky cookie's value
	 * @param strategy picks a backend for new clients
	 * @param strict whether clients of a down backend are refused instead of moved
	 */
	public StickyBackendSelector(BackendRegistry registry, StickyCookieCodec codec, BalancingStrategy strategy,
			boolean strict) {
		this.registry = registry;
		this.codec = codec;
		this.strategy = strategy;
		this.strict = strict;
	}

	/**
	 * Select the backend for a request.
	 * @param cookieValue the sticky cookie's value, {@code null} when absent
	 * @return the selection, or {@code null} when no backend is available
	 */
	public StickySelection select(String cookieValue) {
		return select(cookieValue, Set.of());
	}

	/**
	 * Select the backend for a request that must avoid some backends, such as the ones a
	 * retried request already failed on.
	 * @param cookieValue the sticky cookie's value, {@code null} when absent
	 * @param excluded backends not to choose
	 * @return the selection, or {@code null} when no backend is available
	 */
	public StickySelection select(String cookieValue, Set<Backend> excluded) {
		Backend sticky = this.codec.decode(cookieValue, this.registry);
		if (sticky != null && sticky.keepsClients() && !excluded.contains(sticky)) {
			return new StickySelection(sticky, Assignment.KEPT, !this.codec.isCurrent(cookieValue, sticky));
		}
		if (sticky != null && this.strict && !sticky.isHealthy()) {
			return new StickySelection(sticky, Assignment.REFUSED);
		}
		Backend chosen = choose(excluded);
		if (chosen == null) {
			return null;
		}
		return new StickySelection(chosen, (sticky != null) ? Assignment.REASSIGNED : Assignment.NEW);
	}

	private Backend choose(Set<Backend> excluded) {
		List<Backend> available = this.registry.available();
		Backend chosen = this.strategy.choose(available);
		if (chosen == null || excluded.isEmpty() || !excluded.contains(chosen)) {
			return chosen;
		}
		for (int i = 0; i < available.size(); i++) {
			chosen = this.strategy.choose(available);
			if (!excluded.contains(chosen)) {
				return chosen;
			}
		}
		return available.stream().filter((backend) -> !excluded.contains(backend)).findFirst().orElse(null);
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
