package io.smartstick.routing;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Error bodies are JSON whatever the message holds.
 */
class JsonErrorBodyTests {

	@Test
	void plainMessageKeepsTheShapeClientsRead() {
		assertThat(new String(JsonErrorBody.of("Backend 1 did not answer."), StandardCharsets.UTF_8))
			.isEqualTo("{\"error\":\"Backend 1 did not answer.\"}");
	}

	@Test
	void messageThatNeedsEscapingStaysOneValidJsonString() {
		String message = "Backend \"a\\b\" </script>\n\tis unavailable: \u0001 caf\u00e9 \u2603";
		byte[] body = JsonErrorBody.of(message);
		Map<?, ?> parsed = JsonMapper.builder().build().readValue(body, Map.class);
		assertThat(parsed).isEqualTo(Map.of("error", message));
		assertThat(new String(body, StandardCharsets.UTF_8)).startsWith("{\"error\":\"Backend \\\"a\\\\b\\\"")
			.doesNotContain("\n");
	}

}
