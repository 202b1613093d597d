package io.smartstick.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;

import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginTrackedValue;

/**
 * Maps the JSON tree of an original-format {@code config.json} to flat Spring properties,
 * checking its structure and keys but not its values (those are validated once bound).
 *
 * @author smart-stick
 */
final class OriginalConfigJson {

	private final String location;

	private final Function<String, Origin> origins;

	private final Map<String, Object> properties = new LinkedHashMap<>();

	private OriginalConfigJson(String location, Function<String, Origin> origins) {
		this.location = location;
		this.origins = origins;
	}

	/**
	 * Map the given JSON tree to properties.
	 * @param root the parsed file, {@code null} or missing when the file is empty
	 * @param location the location of the file, for error messages
	 * @param origins the origin of the value at a JSON path, {@code null} when unknown
	 * @return the properties, values being strings or {@link OriginTrackedValue}s of
	 * strings
	 * @throws ConfigFileException if the structure or a key is wrong
	 */
	static Map<String, Object> toProperties(JsonNode root, String location, Function<String, Origin> origins) {
		OriginalConfigJson json = new OriginalConfigJson(location, origins);
		json.map(root);
		return json.properties;
	}

	private void map(JsonNode root) {
		if (root == null || root.isMissingNode()) {
			throw error("$", "The file is empty",
					"Write the settings as a JSON object, such as {\"port\": 3001, \"backends\": [...]}.");
		}
		object(root, "$", ConfigFileSection.TOP_LEVEL);
		putScalar(root, "$", "port", "server.port");
		putScalar(root, "$", "strategy", "smartstick.strategy");
		mapBackends(root.get("backends"), "$.backends");
		mapHealth(root.get("health"), "$.health");
		new OriginalEmailConfig(this).map(root.get("email"), "$.email");
		if (isAbsent(root.get("port"))) {
			// the original refuses to start without it; checked last so that a wrong section is reported first
			throw error("$.port", "'port' is missing: the port to listen on is required",
					"Add the port the load balancer listens on, such as \"port\": 3001.");
		}
	}

	private void mapBackends(JsonNode backends, String path) {
		if (isAbsent(backends)) {
			return;
		}
		if (!backends.isArray()) {
			throw error(path, "Expected an array of backend objects for 'backends', but found " + typeOf(backends),
					"Write 'backends' as an array, such as [{\"id\": 0, \"url\": \"http://localhost:5000\"}].");
		}
		if (backends.isEmpty()) {
			throw error(path, "'backends' is empty: at least one backend is required",
					"List at least one backend, such as [{\"id\": 0, \"url\": \"http://localhost:5000\"}].");
		}
		for (int i = 0; i < backends.size(); i++) {
			String backendPath = path + "[" + i + "]";
			JsonNode backend = backends.get(i);
			if (isAbsent(backend)) {
				throw notAnObject(backend, backendPath, ConfigFileSection.BACKEND);
			}
			object(backend, backendPath, ConfigFileSection.BACKEND);
			String prefix = SmartStickProperties.PREFIX + ".backends[" + i + "].";
			for (String key : backend.propertyNames()) {
				if ("healthHeaders".equals(key)) {
					putHeaders(backend.get(key), backendPath + "." + key, prefix + "health-headers");
				}
				else {
					putScalar(backend, backendPath, key, prefix + kebabCase(key));
				}
			}
		}
	}

	private void mapHealth(JsonNode health, String path) {
		if (!object(health, path, ConfigFileSection.HEALTH)) {
			return;
		}
		String prefix = SmartStickProperties.PREFIX + ".health.";
		for (String key : health.propertyNames()) {
			if ("headers".equals(key)) {
				putHeaders(health.get(key), path + "." + key, prefix + "headers");
			}
			else {
				putScalar(health, path, key, prefix + key);
			}
		}
	}

	private void putHeaders(JsonNode headers, String path, String property) {
		if (isAbsent(headers)) {
			return;
		}
		if (!headers.isObject()) {
			throw error(path, "Expected a JSON object of header names to values, but found " + typeOf(headers),
					"Write the headers as an object, such as {\"X-Health-Token\": \"secret\"}.");
		}
		for (Map.Entry<String, JsonNode> header : headers.properties()) {
			String headerPath = path + "." + header.getKey();
			JsonNode value = header.getValue();
			if (isAbsent(value)) {
				continue;
			}
			if (value.isContainer()) {
				throw error(headerPath, String.format("Expected a string, number or boolean as the value of header '%s'"
						+ ", but found %s", header.getKey(), typeOf(value)),
						"Replace the value at " + headerPath + " with the header value as a string.");
			}
			put(property + "[" + header.getKey() + "]", value.asString(), headerPath);
		}
	}

	private void putScalar(JsonNode parent, String parentPath, String key, String property) {
		String path = parentPath + "." + key;
		String value = scalar(parent.get(key), path, key);
		if (value != null) {
			put(property, value, path);
		}
	}

	/**
	 * Check that the given node is an object holding only the section's keys.
	 * @param node the node
	 * @param path its JSON path
	 * @param section the section that it is
	 * @return {@code false} if the node is absent or JSON {@code null}
	 */
	boolean object(JsonNode node, String path, ConfigFileSection section) {
		if (isAbsent(node)) {
			return false;
		}
		if (!node.isObject()) {
			throw notAnObject(node, path, section);
		}
		section.checkKeys(node, path, this.location);
		return true;
	}

	private ConfigFileException notAnObject(JsonNode node, String path, ConfigFileSection section) {
		return error(path, String.format("Expected a JSON object for %s, but found %s", section.displayName(),
				typeOf(node)), String.format("Make %s a JSON object with some of the keys: %s.",
						"$".equals(path) ? "the whole file" : path, String.join(", ", section.keys())));
	}

	/**
	 * Return the string form of a scalar node.
	 * @param node the node
	 * @param path its JSON path
	 * @param key its key, for error messages
	 * @return the string form or {@code null} if absent or JSON {@code null}
	 */
	String scalar(JsonNode node, String path, String key) {
		if (isAbsent(node)) {
			return null;
		}
		if (node.isContainer()) {
			throw error(path, String.format("Expected a string, number or boolean for '%s', but found %s", key,
					typeOf(node)), "Replace the value at " + path + " with a single string, number or boolean.");
		}
		return node.asString();
	}

	void put(String property, String value, String path) {
		Origin origin = this.origins.apply(path);
		this.properties.put(property, (origin != null) ? OriginTrackedValue.of(value, origin) : value);
	}

	ConfigFileException error(String path, String description, String action) {
		return new ConfigFileException(this.location, path, description, action);
	}

	static boolean isAbsent(JsonNode node) {
		return node == null || node.isNull() || node.isMissingNode();
	}

	static String typeOf(JsonNode node) {
		return switch (node.getNodeType()) {
			case ARRAY -> "an array";
			case OBJECT -> "an object";
			case STRING -> "a string";
			case NUMBER -> "a number";
			case BOOLEAN -> "a boolean";
			case NULL -> "null";
			default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
		};
	}

	private static String kebabCase(String key) {
		return key.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
	}

}
