package io.smartstick.balancer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every pool of the load balancer, in the order their routes are tried (the default pool,
 * if any, first here though its route is tried last).
 *
 * @author smart-stick
 */
public final class Pools {

	private final List<Pool> all;

	private final Map<String, Pool> byName;

	/**
	 * Create the pools.
	 * @param pools the pools, with unique names
	 */
	public Pools(List<Pool> pools) {
		this.all = List.copyOf(pools);
		Map<String, Pool> byName = new LinkedHashMap<>();
		for (Pool pool : pools) {
			if (byName.putIfAbsent(pool.name(), pool) != null) {
				throw new IllegalArgumentException("Two pools are named " + pool.name());
			}
		}
		this.byName = byName;
	}

	/**
	 * Return every pool.
	 * @return the pools, never empty when the load balancer runs
	 */
	public List<Pool> all() {
		return this.all;
	}

	/**
	 * Return the pool of the given name.
	 * @param name the pool's name
	 * @return the pool, or {@code null} if there is none of that name
	 */
	public Pool find(String name) {
		return this.byName.get(name);
	}

	/**
	 * Return the default pool, which serves every request no other pool claims.
	 * @return the default pool, or {@code null} when the configuration has none
	 */
	public Pool defaultPool() {
		return find(Backend.DEFAULT_POOL);
	}

	/**
	 * Whether the load balancer has only its default pool, as every configuration before
	 * pools had: views then show what they always showed.
	 * @return {@code true} with the default pool alone
	 */
	public boolean onlyDefault() {
		return this.all.size() == 1 && this.all.get(0).isDefault();
	}

	/**
	 * Return every backend of every pool, pool by pool.
	 * @return the backends
	 */
	public List<Backend> allBackends() {
		List<Backend> backends = new ArrayList<>();
		for (Pool pool : this.all) {
			backends.addAll(pool.registry().all());
		}
		return backends;
	}

}
