package io.smartstick.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * {@link AbstractFailureAnalyzer} for a {@link ConfigFileException}: names the config file,
 * the JSON path and the problem, and says how to fix it.
 *
 * @author smart-stick
 */
class ConfigFileFailureAnalyzer extends AbstractFailureAnalyzer<ConfigFileException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ConfigFileException cause) {
		StringBuilder description = new StringBuilder();
		description.append(String.format("Failed to load the smart-stick config file '%s' "
				+ "(smartstick.config-file):%n%n", cause.getLocation()));
		if (cause.getJsonPath() != null) {
			description.append(String.format("    JSON path: %s%n", cause.getJsonPath()));
		}
		description.append(String.format("    Reason: %s%n", cause.getDescription()));
		return new FailureAnalysis(description.toString(), cause.getAction(), cause);
	}

}
