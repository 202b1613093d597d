package io.smartstick.balancer;

import java.util.List;

/**
 * What one change of a pool's backend list did: the backends added, removed and whose
 * settings (weight, owner, health settings, serving) changed, in list order.
 *
 * @param pool name of the pool
 * @param added backends new to the pool; they take new clients after their first passing
 * health check when the pool is checked
 * @param removed backends that left the pool; they take no new request and their open
 * connections drain
 * @param updated backends kept with changed settings
 * @author smart-stick
 */
public record MembershipChange(String pool, List<Backend> added, List<Backend> removed, List<Backend> updated) {

	public MembershipChange {
		added = List.copyOf(added);
		removed = List.copyOf(removed);
		updated = List.copyOf(updated);
	}

	/**
	 * Whether the change did nothing.
	 * @return {@code true} if no backend was added, removed or updated
	 */
	public boolean isEmpty() {
		return this.added.isEmpty() && this.removed.isEmpty() && this.updated.isEmpty();
	}

}
