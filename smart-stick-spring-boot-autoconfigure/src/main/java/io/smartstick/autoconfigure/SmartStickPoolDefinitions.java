package io.smartstick.autoconfigure;

import java.util.List;

import io.smartstick.config.PoolDefinition;

/**
 * The validated definitions of every pool, from which the auto-configurations build each
 * pool's registry, health checks and route.
 *
 * @param all the definitions, the default pool first
 * @author smart-stick
 */
record SmartStickPoolDefinitions(List<PoolDefinition> all) {

	PoolDefinition find(String name) {
		for (PoolDefinition definition : this.all) {
			if (definition.name().equals(name)) {
				return definition;
			}
		}
		throw new IllegalArgumentException("No pool named " + name);
	}

}
