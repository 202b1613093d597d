package io.smartstick.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.smartstick.config.ConfigurationViolation;
import io.smartstick.config.InvalidConfigurationException;
import io.smartstick.config.PoolDefinition;
import io.smartstick.config.SmartStickProperties;
import io.smartstick.config.SmartStickProperties.Engine;
import io.smartstick.fast.EngineChoices;
import io.smartstick.fast.EngineChoices.Choice;

/**
 * Decides which engine serves each pool. {@code auto} picks the fast engine for a pool
 * unless something only Gateway applies would be lost: the pool's Gateway filters,
 * Gateway's default filters, Gateway's {@code Forwarded} header, or filters of the
 * application's own ({@code WebFilter}s such as Spring Security's chain, Gateway global
 * or header filters), which the fast engine would bypass. {@code fast} with any of these
 * fails start-up naming them; filters of the application's own are let through with
 * {@code smartstick.engine-ignore-web-filters=true}.
 *
 * @author smart-stick
 */
final class EngineSelection {

	private EngineSelection() {
	}

	/**
	 * Decide.
	 * @param properties the configured engines
	 * @param pools every pool
	 * @param gatewayOnly what only Gateway applies to every pool (default filters, the
	 * {@code Forwarded} header), empty when nothing
	 * @param bypassed the application's own filters the fast engine would bypass, by bean
	 * name and type
	 * @return the choices
	 * @throws InvalidConfigurationException when a pool is configured fast but cannot be
	 */
	static EngineChoices decide(SmartStickProperties properties, List<PoolDefinition> pools, List<String> gatewayOnly,
			List<String> bypassed) {
		Map<String, Choice> choices = new LinkedHashMap<>();
		List<ConfigurationViolation> violations = new ArrayList<>();
		for (PoolDefinition pool : pools) {
			SmartStickProperties.Pool own = properties.getPools().get(pool.name());
			Engine configured = (own != null && own.getEngine() != null) ? own.getEngine() : properties.getEngine();
			String property = (own != null && own.getEngine() != null) ? pool.propertyPrefix() + ".engine"
					: "smartstick.engine";
			String value = configured.name().toLowerCase(Locale.ROOT);
			if (configured == Engine.GATEWAY) {
				choices.put(pool.name(), new Choice(EngineChoices.GATEWAY, value, property + "=gateway"));
				continue;
			}
			List<String> blockers = new ArrayList<>();
			if (!pool.filters().isEmpty()) {
				blockers.add("the pool has Gateway filters (" + String.join(", ", pool.filters()) + ")");
			}
			blockers.addAll(gatewayOnly);
			boolean ownFilters = !bypassed.isEmpty();
			String bypassedReason = "the application has filters of its own that the fast engine would bypass ("
					+ String.join(", ", bypassed) + ")";
			if (configured == Engine.AUTO) {
				if (ownFilters) {
					blockers.add(bypassedReason);
				}
				choices.put(pool.name(), blockers.isEmpty()
						? new Choice(EngineChoices.FAST, value, "auto: nothing on the pool needs Gateway")
						: new Choice(EngineChoices.GATEWAY, value, "auto: " + String.join("; ", blockers)));
				continue;
			}
			if (!blockers.isEmpty()) {
				violations.add(new ConfigurationViolation(property, value,
						"cannot serve pool '" + pool.name() + "': " + String.join("; ", blockers),
						"Set " + property + "=gateway (or auto), or remove what only Gateway applies."));
			}
			else if (ownFilters && !properties.isEngineIgnoreWebFilters()) {
				violations.add(new ConfigurationViolation(property, value,
						"would let requests to pool '" + pool.name() + "' bypass the application's own filters ("
								+ String.join(", ", bypassed) + ")",
						"Set " + property + "=gateway (or auto) so that they apply, or set "
								+ "smartstick.engine-ignore-web-filters=true if they need not see the pool's requests."));
			}
			else {
				choices.put(pool.name(), new Choice(EngineChoices.FAST, value,
						ownFilters ? property + "=fast, filters of the application's own ignored ("
								+ String.join(", ", bypassed) + ")" : property + "=fast"));
			}
		}
		if (!violations.isEmpty()) {
			throw new InvalidConfigurationException(violations);
		}
		return new EngineChoices(choices);
	}

}
