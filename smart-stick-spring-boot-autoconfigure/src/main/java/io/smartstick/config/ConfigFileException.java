package io.smartstick.config;

/**
 * Thrown when the original-format {@code config.json} named by
 * {@code smartstick.config-file} cannot be read or does not have the expected structure.
 * Never carries the values of the file, so that secrets such as the mail password cannot
 * leak into logs.
 *
 * @author smart-stick
 */
public class ConfigFileException extends RuntimeException {

	private final String location;

	private final String jsonPath;

	private final String description;

	private final String action;

	ConfigFileException(String location, String jsonPath, String description, String action) {
		this(location, jsonPath, description, action, null);
	}

	ConfigFileException(String location, String jsonPath, String description, String action, Throwable cause) {
		super(message(location, jsonPath, description), cause);
		this.location = location;
		this.jsonPath = jsonPath;
		this.description = description;
		this.action = action;
	}

	private static String message(String location, String jsonPath, String description) {
		String where = (jsonPath != null) ? " at " + jsonPath : "";
		return "Invalid smart-stick config file '" + location + "'" + where + ": " + description;
	}

	/**
	 * Return the location of the config file, as given in {@code smartstick.config-file}.
	 * @return the location
	 */
	public String getLocation() {
		return this.location;
	}

	/**
	 * Return the JSON path of the offending element, such as
	 * {@code $.backends[1].weight}.
	 * @return the JSON path or {@code null} when the problem concerns the whole file
	 */
	public String getJsonPath() {
		return this.jsonPath;
	}

	/**
	 * Return a description of what is wrong.
	 * @return the description
	 */
	public String getDescription() {
		return this.description;
	}

	/**
	 * Return the action that fixes the problem.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
