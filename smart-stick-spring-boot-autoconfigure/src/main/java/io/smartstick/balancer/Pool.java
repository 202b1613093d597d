package io.smartstick.balancer;

/**
 * One pool of backends: a group of interchangeable servers behind one route, with its own
 * registry (and so its own health, stickiness and counts) and balancing strategy.
 *
 * @param name the pool's name, unique; {@value Backend#DEFAULT_POOL} for the top-level
 * backends
 * @param registry the pool's backends and their state
 * @param strategy name of the balancing strategy for the pool's new clients
 * @author smart-stick
 */
public record Pool(String name, BackendRegistry registry, String strategy) {

	/**
	 * Whether this is the pool that serves every request no other pool claims.
	 * @return {@code true} for the pool named {@value Backend#DEFAULT_POOL}
	 */
	public boolean isDefault() {
		return Backend.DEFAULT_POOL.equals(this.name);
	}

}
