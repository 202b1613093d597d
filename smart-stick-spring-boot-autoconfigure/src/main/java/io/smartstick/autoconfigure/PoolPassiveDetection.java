package io.smartstick.autoconfigure;

import java.time.Clock;

import io.smartstick.balancer.BackendRegistry;
import io.smartstick.config.PoolDefinition;
import io.smartstick.routing.PassiveDetection;

/**
 * Builds a pool's {@link PassiveDetection}, the same for both engines: a backend taken
 * down passively is tried again after one health-check interval when the pool has no
 * active checks to bring it back.
 *
 * @author smart-stick
 */
final class PoolPassiveDetection {

	private PoolPassiveDetection() {
	}

	static PassiveDetection of(PoolDefinition definition, BackendRegistry registry) {
		PoolDefinition.HealthChecks checks = definition.healthChecks();
		return new PassiveDetection(registry, definition.passive(), checks.enabled() ? null : checks.interval(),
				Clock.systemUTC());
	}

}
