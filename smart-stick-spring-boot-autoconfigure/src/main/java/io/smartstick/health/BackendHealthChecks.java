package io.smartstick.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.smartstick.balancer.Backend;
import io.smartstick.config.ConfigurationViolation;
import io.smartstick.config.InvalidConfigurationException;
import io.smartstick.config.SmartStickProperties;

/**
 * Which {@link HealthCheck} decides each backend's health: the bean named by the
 * backend's {@code health-check}, else the one named by {@code smartstick.health.check},
 * else the default check. Unknown bean names fail start-up.
 *
 * @author smart-stick
 */
public class BackendHealthChecks {

	private final Map<String, HealthCheck> checksByName;

	private final HealthCheck defaultCheck;

	/**
	 * Resolve the checks.
	 * @param checksByName every HealthCheck bean by bean name
	 * @param defaultCheck the check for backends that name none
	 * @param properties the configuration, to validate the names it uses
	 * @throws InvalidConfigurationException if a configured name is not a HealthCheck bean
	 */
	public BackendHealthChecks(Map<String, HealthCheck> checksByName, HealthCheck defaultCheck,
			SmartStickProperties properties) {
		this.checksByName = Map.copyOf(checksByName);
		this.defaultCheck = defaultCheck;
		List<ConfigurationViolation> violations = new ArrayList<>();
		check(SmartStickProperties.PREFIX + ".health.check", properties.getHealth().getCheck(), violations);
		for (int i = 0; i < properties.getBackends().size(); i++) {
			check(SmartStickProperties.PREFIX + ".backends[" + i + "].health-check",
					properties.getBackends().get(i).getHealthCheck(), violations);
		}
		if (!violations.isEmpty()) {
			throw new InvalidConfigurationException(violations);
		}
	}

	private void check(String property, String name, List<ConfigurationViolation> violations) {
		if (name != null && !this.checksByName.containsKey(name)) {
			String known = this.checksByName.isEmpty() ? "none is defined"
					: "defined: " + String.join(", ", this.checksByName.keySet());
			violations.add(new ConfigurationViolation(property, name, "does not name a HealthCheck bean (" + known + ")",
					"Define a @Bean of type io.smartstick.health.HealthCheck with that name, or fix the name."));
		}
	}

	/**
	 * Return the check deciding the backend's health.
	 * @param backend the backend
	 * @return the check
	 */
	public HealthCheck checkFor(Backend backend) {
		String name = backend.healthSettings().checkBeanName();
		return (name != null) ? this.checksByName.get(name) : this.defaultCheck;
	}

	/**
	 * Whether the backend's health is decided by custom logic rather than the built-in
	 * HTTP check.
	 * @param backend the backend
	 * @return {@code true} for a custom check
	 */
	public boolean isCustom(Backend backend) {
		return !(checkFor(backend) instanceof HttpHealthCheck);
	}

}
