package io.smartstick.config;

import java.util.List;
import java.util.Locale;

import tools.jackson.databind.JsonNode;

/**
 * The JSON objects of an original-format {@code config.json} and the keys each of them
 * accepts.
 *
 * @author smart-stick
 */
enum ConfigFileSection {

	/**
	 * The top-level object.
	 */
	TOP_LEVEL("the top level", "top-level", "port", "strategy", "backends", "health", "email"),

	/**
	 * An element of {@code backends}.
	 */
	BACKEND("a backend", "backend", "id", "url", "weight", "owner", "healthPath", "healthMethod", "healthAlgorithm",
			"healthTimeout", "healthHeaders", "healthCheck", "healthRise", "healthFall", "state"),

	/**
	 * The {@code health} object.
	 */
	HEALTH("health", "health", "interval", "path", "method", "algorithm", "timeout", "headers", "check", "rise", "fall",
			"enabled", "passive"),

	/**
	 * The {@code email} object (nodemailer transport options).
	 */
	EMAIL("email", "email", "service", "host", "port", "secure", "auth", "from"),

	/**
	 * The {@code email.auth} object.
	 */
	EMAIL_AUTH("email.auth", "email.auth", "user", "pass");

	private final String displayName;

	private final String keyKind;

	private final List<String> keys;

	ConfigFileSection(String displayName, String keyKind, String... keys) {
		this.displayName = displayName;
		this.keyKind = keyKind;
		this.keys = List.of(keys);
	}

	String displayName() {
		return this.displayName;
	}

	List<String> keys() {
		return this.keys;
	}

	/**
	 * Check that every key of the given object is one of this section's keys.
	 * @param object the JSON object
	 * @param path the JSON path of the object
	 * @param location the location of the config file
	 * @throws ConfigFileException on the first unknown key
	 */
	void checkKeys(JsonNode object, String path, String location) {
		for (String key : object.propertyNames()) {
			if (!this.keys.contains(key)) {
				throw unknownKey(key, path, location);
			}
		}
	}

	private ConfigFileException unknownKey(String key, String path, String location) {
		String validKeys = String.join(", ", this.keys);
		String suggestion = suggestion(key);
		if (suggestion != null) {
			return new ConfigFileException(location, path + "." + key, String.format(
					"Unknown %s key '%s' (did you mean '%s'?). Valid keys are: %s", this.keyKind, key,
					suggestion, validKeys), String.format("Rename '%s' to '%s' at %s.", key, suggestion, path));
		}
		return new ConfigFileException(location, path + "." + key,
				String.format("Unknown %s key '%s'. Valid keys are: %s", this.keyKind, key, validKeys),
				String.format("Remove '%s' from %s or replace it with one of the valid keys: %s.", key, path,
						validKeys));
	}

	/**
	 * Return the valid key that the given unknown key is a near-miss of: equal ignoring
	 * case, dashes and underscores (so {@code health-path} and {@code healthpath} suggest
	 * {@code healthPath}).
	 * @param key the unknown key
	 * @return the suggested key or {@code null}
	 */
	String suggestion(String key) {
		String normalized = normalize(key);
		return this.keys.stream()
			.filter((candidate) -> normalize(candidate).equals(normalized))
			.findFirst()
			.orElse(null);
	}

	private static String normalize(String key) {
		return key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
	}

}
