package io.smartstick.health;

import java.util.Map;

import io.smartstick.balancer.Backend;

/**
 * Which {@link HealthCheck} decides each backend's health: the bean named by the
 * backend's {@code health-check}, else the one named by {@code smartstick.health.check},
 * else the default check.
 *
 * @author smart-stick
 */
public class BackendHealthChecks {

	private final Map<String, HealthCheck> checksByName;

	private final HealthCheck defaultCheck;

	/**
	 * Resolve the checks. The names the configuration gives are checked when it is
	 * validated, before the checks are resolved.
	 * @param checksByName every HealthCheck bean by bean name
	 * @param defaultCheck the check for backends that name none
	 */
	public BackendHealthChecks(Map<String, HealthCheck> checksByName, HealthCheck defaultCheck) {
		this.checksByName = Map.copyOf(checksByName);
		this.defaultCheck = defaultCheck;
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
