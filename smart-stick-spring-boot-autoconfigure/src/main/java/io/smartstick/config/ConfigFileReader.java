package io.smartstick.config;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Reads an original-format {@code config.json} into Spring properties whose values know
 * their line and column in the file.
 *
 * @author smart-stick
 */
final class ConfigFileReader {

	private static final JsonMapper mapper = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
		.build();

	private ConfigFileReader() {
	}

	/**
	 * Read the config file at the given location.
	 * @param location the location: a file path, relative to the working directory, or a
	 * {@code file:} or {@code classpath:} location
	 * @param resourceLoader the resource loader resolving the location
	 * @return the properties
	 * @throws ConfigFileException if the file cannot be read or has the wrong structure
	 */
	static Map<String, Object> read(String location, ResourceLoader resourceLoader) {
		Resource resource = resourceLoader.getResource(location);
		String content = load(location, resource);
		Map<String, TextResourceOrigin.Location> positions = new HashMap<>();
		JsonNode root = parse(location, content, positions);
		return OriginalConfigJson.toProperties(root, location, (path) -> origin(resource, positions.get(path)));
	}

	private static String load(String location, Resource resource) {
		if (!resource.exists() || !resource.isReadable()) {
			String problem = (resource.exists() ? "is not a readable file: " : "does not exist: ") + describe(resource);
			throw new ConfigFileException(location, null, "The config file " + problem,
					"Check smartstick.config-file. Relative paths are resolved against the working directory ("
							+ Path.of("").toAbsolutePath() + "); use a \"classpath:\" prefix for a file on the "
							+ "class path.");
		}
		try {
			String content = resource.getContentAsString(StandardCharsets.UTF_8);
			return (content.startsWith("\uFEFF")) ? content.substring(1) : content;
		}
		catch (IOException ex) {
			throw new ConfigFileException(location, null,
					"The config file cannot be read: " + describe(resource) + " (" + ex.getMessage() + ")",
					"Check that the file is readable by the user running the application.", ex);
		}
	}

	private static String describe(Resource resource) {
		if (resource.isFile()) {
			try {
				File file = resource.getFile();
				return file.getAbsolutePath();
			}
			catch (IOException ex) {
				// fall back to the description
			}
		}
		return resource.getDescription();
	}

	private static JsonNode parse(String location, String content, Map<String, TextResourceOrigin.Location> positions) {
		try (JsonParser parser = mapper.createParser(content)) {
			boolean rootRead = false;
			for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
				if (rootRead) {
					throw syntaxError(location, parser.currentTokenLocation(),
							"Unexpected content after the end of the top-level JSON object");
				}
				rootRead = parser.streamReadContext().inRoot();
				if (token.isScalarValue()) {
					TokenStreamLocation at = parser.currentTokenLocation();
					positions.put(path(parser.streamReadContext()),
							new TextResourceOrigin.Location(at.getLineNr() - 1, at.getColumnNr() - 1));
				}
			}
			return mapper.readTree(content);
		}
		catch (JacksonException ex) {
			// Not chained as the cause: its message may quote tokens of the file
			throw syntaxError(location, ex.getLocation(), reason(ex));
		}
	}

	private static ConfigFileException syntaxError(String location, TokenStreamLocation at, String reason) {
		String where = (at != null) ? String.format(" at line %d, column %d", at.getLineNr(), at.getColumnNr()) : "";
		String action = (reason.startsWith("Duplicate")) ? "Remove or rename the duplicate key" + where + "."
				: "Fix the JSON syntax" + where + " (a JSON validator or editor helps).";
		return new ConfigFileException(location, null, "Malformed JSON" + where + ": " + reason, action);
	}

	private static String reason(JacksonException ex) {
		String reason = ex.getOriginalMessage();
		// Never echo tokens of the file: an unquoted token may be the mail password
		reason = reason.replaceAll("Unrecognized token '[^']*'", "Unrecognized token");
		int sourceIndex = reason.indexOf(" (start marker at");
		reason = (sourceIndex != -1) ? reason.substring(0, sourceIndex) : reason;
		int newline = reason.indexOf('\n');
		return (newline != -1) ? reason.substring(0, newline) : reason;
	}

	private static String path(TokenStreamContext context) {
		if (context == null || context.inRoot()) {
			return "$";
		}
		String parent = path(context.getParent());
		return (context.inArray()) ? parent + "[" + context.getCurrentIndex() + "]"
				: parent + "." + context.currentName();
	}

	private static Origin origin(Resource resource, TextResourceOrigin.Location position) {
		return (position != null) ? new TextResourceOrigin(resource, position) : null;
	}

}
