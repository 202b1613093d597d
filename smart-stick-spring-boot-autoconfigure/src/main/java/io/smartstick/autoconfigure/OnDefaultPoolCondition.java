package io.smartstick.autoconfigure;

import java.util.List;
import java.util.Map;

import io.smartstick.config.SmartStickProperties;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the configuration has a default pool: top-level backends or
 * {@code smartstick.discovery.service-id}, or a pool named
 * {@code default}. Beans of the single-pool API (the registry and selector beans) exist
 * only then.
 *
 * @author smart-stick
 */
class OnDefaultPoolCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Binder binder = Binder.get(context.getEnvironment());
		Map<String, SmartStickProperties.Pool> pools;
		boolean topLevel;
		try {
			topLevel = !binder
				.bind(SmartStickProperties.PREFIX + ".backends", Bindable.listOf(SmartStickProperties.Backend.class))
				.orElse(List.of())
				.isEmpty()
					|| binder.bind(SmartStickProperties.PREFIX + ".discovery.service-id", String.class).isBound();
			pools = binder
				.bind(SmartStickProperties.PREFIX + ".pools",
						Bindable.mapOf(String.class, SmartStickProperties.Pool.class))
				.orElse(Map.of());
		}
		catch (RuntimeException ex) {
			// the configuration cannot be bound: let binding the properties report it
			return ConditionOutcome.match("smart-stick's pools cannot be read yet");
		}
		if (topLevel || pools.containsKey("default") || pools.isEmpty()) {
			// without any pool the configuration is invalid: the default pool's beans report it
			return ConditionOutcome.match("smart-stick has a default pool");
		}
		return ConditionOutcome.noMatch("smart-stick has named pools and no default pool");
	}

}
