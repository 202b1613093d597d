package io.smartstick.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown at start-up when smart-stick's configuration is invalid. It lists every problem
 * found, each with the property, the problem and the fix.
 *
 * @author smart-stick
 */
public class InvalidConfigurationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient List<ConfigurationViolation> violations;

	/**
	 * Create an exception.
	 * @param violations the problems, at least one
	 */
	public InvalidConfigurationException(List<ConfigurationViolation> violations) {
		super("Invalid smart-stick configuration: " + violations.stream()
			.map((violation) -> violation.property() + " " + violation.problem())
			.collect(Collectors.joining("; ")));
		this.violations = List.copyOf(violations);
	}

	/**
	 * Return the problems.
	 * @return the violations
	 */
	public List<ConfigurationViolation> getViolations() {
		return this.violations;
	}

}
