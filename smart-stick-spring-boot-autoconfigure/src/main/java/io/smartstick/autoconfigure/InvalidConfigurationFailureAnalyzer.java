package io.smartstick.autoconfigure;

import io.smartstick.config.ConfigurationViolation;
import io.smartstick.config.InvalidConfigurationException;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Explains an {@link InvalidConfigurationException}: every offending property with its
 * value as the user wrote it and where, what is wrong, and how to fix it.
 *
 * @author smart-stick
 */
class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {

	private final Environment environment;

	/**
	 * Create an analyzer.
	 * @param environment where the offending values were configured, or {@code null} to
	 * show the values as bound
	 */
	InvalidConfigurationFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
		StringBuilder description = new StringBuilder("smart-stick's configuration is invalid:\n");
		StringBuilder action = new StringBuilder("Update your application's configuration:\n");
		for (ConfigurationViolation violation : cause.getViolations()) {
			description.append("\n    Property: ").append(violation.property());
			ConfigurationProperty configured = configured(violation.property());
			Object value = (configured != null) ? configured.getValue() : violation.value();
			if (value != null) {
				description.append("\n    Value: \"").append(value).append('"');
			}
			if (configured != null && configured.getOrigin() != null) {
				description.append("\n    Origin: ").append(configured.getOrigin());
			}
			description.append("\n    Reason: ").append(violation.property()).append(' ').append(violation.problem());
			description.append('\n');
			action.append("\n    ").append(violation.property()).append(": ").append(violation.fix());
		}
		return new FailureAnalysis(description.toString(), action.toString(), cause);
	}

	/**
	 * The property as configured: the text the user wrote (such as {@code -1} for a
	 * duration the binder turned into {@code PT-0.001S}) and its origin.
	 */
	private ConfigurationProperty configured(String property) {
		if (this.environment == null || !ConfigurationPropertyName.isValid(property)) {
			return null;
		}
		ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty configured = source.getConfigurationProperty(name);
			if (configured != null) {
				return configured;
			}
		}
		return null;
	}

}
