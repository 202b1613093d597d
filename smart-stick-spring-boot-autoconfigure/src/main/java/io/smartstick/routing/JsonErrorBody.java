package io.smartstick.routing;

import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * The body of smart-stick's own error answers, {@code {"error":"..."}}, written by
 * Jackson so that any message is escaped as JSON requires.
 *
 * @author smart-stick
 */
public final class JsonErrorBody {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private JsonErrorBody() {
	}

	/**
	 * Return the UTF-8 JSON body for a message.
	 * @param message the message, as the client is to read it
	 * @return {@code {"error":message}}
	 */
	public static byte[] of(String message) {
		return mapper.writeValueAsBytes(Map.of("error", message));
	}

}
