package io.smartstick.autoconfigure;

import io.smartstick.config.ConfigurationViolation;
import io.smartstick.config.InvalidConfigurationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidConfigurationException}: every offending property with its
 * value, what is wrong, and how to fix it.
 *
 * @author smart-stick
 */
class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
		StringBuilder description = new StringBuilder("smart-stick's configuration is invalid:\n");
		StringBuilder action = new StringBuilder("Update your application's configuration:\n");
		for (ConfigurationViolation violation : cause.getViolations()) {
			description.append("\n    Property: ").append(violation.property());
			if (violation.value() != null) {
				description.append("\n    Value: \"").append(violation.value()).append('"');
			}
			description.append("\n    Reason: ").append(violation.property()).append(' ').append(violation.problem());
			description.append('\n');
			action.append("\n    ").append(violation.property()).append(": ").append(violation.fix());
		}
		return new FailureAnalysis(description.toString(), action.toString(), cause);
	}

}
