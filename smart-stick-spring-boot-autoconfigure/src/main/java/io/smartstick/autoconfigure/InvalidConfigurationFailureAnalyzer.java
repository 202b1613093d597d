package io.smartstick.autoconfigure;

import io.smartstick.config.ConfigurationViolation;
import io.smartstick.config.InvalidConfigurationException;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

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
			String replacingSource = (configured != null && violation.value() == null)
					? replacingListSource(violation.property()) : null;
			if (replacingSource != null) {
				// set where it is not used: the list it belongs to comes whole from another source
				description.append("\n    Reason: ").append(violation.property()).append(' ').append(violation.problem());
				description.append("\n    Note: it is set in ").append(configured.getOrigin())
					.append(", but a list is taken whole from the source of highest precedence that sets any of ")
					.append("its entries, here ").append(replacingSource).append('\n');
				action.append("\n    ").append(violation.property()).append(": ").append(violation.fix())
					.append(" Set it in ").append(replacingSource).append(" too, or the whole list in one place.");
				continue;
			}
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
	 * The property source a list was bound from when the property, an entry's field of
	 * that list, is missing there but set in another source of lower precedence: Boot
	 * binds a list from a single source, so the lower one's entries are ignored.
	 * @return the name of the source the list came from, or {@code null}
	 */
	private String replacingListSource(String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
		int index = -1;
		for (int i = 0; i < name.getNumberOfElements(); i++) {
			if (name.isNumericIndex(i)) {
				index = i;
			}
		}
		if (index < 0) {
			return null;
		}
		ConfigurationPropertyName list = name.chop(index);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			if (source.containsDescendantOf(list) == ConfigurationPropertyState.PRESENT) {
				return (source.getConfigurationProperty(name) != null) ? null : describe(source);
			}
		}
		return null;
	}

	private static String describe(ConfigurationPropertySource source) {
		Object underlying = source.getUnderlyingSource();
		return (underlying instanceof PropertySource<?> propertySource) ? "'" + propertySource.getName() + "'"
				: String.valueOf(underlying);
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
