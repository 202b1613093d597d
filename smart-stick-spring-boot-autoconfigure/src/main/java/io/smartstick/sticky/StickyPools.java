package io.smartstick.sticky;

import java.util.List;

/**
 * The sticky side of every pool.
 *
 * @param all one per pool, in the order of the pools
 * @author smart-stick
 */
public record StickyPools(List<StickyPool> all) {

	/**
	 * Create the sticky pools.
	 * @param all one per pool
	 */
	public StickyPools {
		all = List.copyOf(all);
	}

	/**
	 * Return the sticky side of the pool of the given name.
	 * @param name the pool's name
	 * @return the sticky pool, or {@code null} if there is no pool of that name
	 */
	public StickyPool find(String name) {
		for (StickyPool pool : this.all) {
			if (pool.pool().name().equals(name)) {
				return pool;
			}
		}
		return null;
	}

}
