package io.smartstick.config;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;

/**
 * Tests for {@link OriginalConfigJson}.
 *
 * @author smart-stick
 */
class OriginalConfigJsonTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	@Test
	void scalarsBecomeTheirStringForm() {
		assertThat(map("""
				{ "port": 3001, "backends": [ { "id": 0, "url": "http://a", "weight": 1.5, "healthTimeout": 10000 } ],
				  "health": { "interval": 2500, "check": true } }
				""")).containsExactly(entry("server.port", "3001"), entry("smartstick.backends[0].id", "0"),
				entry("smartstick.backends[0].url", "http://a"), entry("smartstick.backends[0].weight", "1.5"),
				entry("smartstick.backends[0].health-timeout", "10000"), entry("smartstick.health.interval", "2500"),
				entry("smartstick.health.check", "true"));
	}

	@Test
	void nullValuesAreTreatedAsAbsent() {
		assertThat(map("""
				{ "port": 3001, "strategy": null, "health": null, "email": null,
				  "backends": [ { "id": 0, "owner": null, "healthHeaders": { "X-A": null } } ] }
				""")).containsExactly(entry("server.port", "3001"), entry("smartstick.backends[0].id", "0"));
		assertThat(map("{ \"port\": 3001, \"backends\": null, \"health\": { \"headers\": null } }"))
			.containsExactly(entry("server.port", "3001"));
	}

	@Test
	void portIsRequired() {
		String fix = "Add the port the load balancer listens on, such as \"port\": 3001.";
		assertThatFails("{ \"backends\": [ { \"id\": 0, \"url\": \"http://a\" } ] }", "$.port",
				"'port' is missing: the port to listen on is required", fix);
		assertThatFails("{ \"port\": null }", "$.port", "'port' is missing: the port to listen on is required", fix);
	}

	@Test
	void topLevelMustBeAnObject() {
		assertThatFails("[ { \"port\": 3001 } ]", "$", "Expected a JSON object for the top level, but found an array",
				"Make the whole file a JSON object with some of the keys: port, strategy, backends, health, email.");
	}

	@Test
	void backendsMustBeAnArray() {
		assertThatFails("{ \"backends\": { \"id\": 0 } }", "$.backends",
				"Expected an array of backend objects for 'backends', but found an object",
				"Write 'backends' as an array, such as [{\"id\": 0, \"url\": \"http://localhost:5000\"}].");
	}

	@Test
	void backendsMustNotBeEmpty() {
		assertThatFails("{ \"backends\": [] }", "$.backends", "'backends' is empty: at least one backend is required",
				"List at least one backend, such as [{\"id\": 0, \"url\": \"http://localhost:5000\"}].");
	}

	@Test
	void backendMustBeAnObject() {
		assertThatFails("{ \"backends\": [ { \"id\": 0 }, \"http://localhost:5001\" ] }", "$.backends[1]",
				"Expected a JSON object for a backend, but found a string",
				"Make $.backends[1] a JSON object with some of the keys: id, url, weight, owner, healthPath, "
						+ "healthMethod, healthAlgorithm, healthTimeout, healthHeaders, healthCheck, healthRise, healthFall, state.");
		assertThatFails("{ \"backends\": [ null ] }", "$.backends[0]",
				"Expected a JSON object for a backend, but found null", null);
	}

	@Test
	void sectionsMustBeObjects() {
		assertThatFails("{ \"health\": 10000 }", "$.health", "Expected a JSON object for health, but found a number",
				"Make $.health a JSON object with some of the keys: interval, path, method, algorithm, timeout, "
						+ "headers, check, rise, fall, enabled, passive.");
		assertThatFails("{ \"email\": \"gmail\" }", "$.email", "Expected a JSON object for email, but found a string",
				null);
		assertThatFails("{ \"email\": { \"auth\": [ \"me\", \"secret\" ] } }", "$.email.auth",
				"Expected a JSON object for email.auth, but found an array",
				"Make $.email.auth a JSON object with some of the keys: user, pass.");
	}

	@Test
	void headersMustBeAnObjectOfScalars() {
		assertThatFails("{ \"health\": { \"headers\": [ \"X-A: 1\" ] } }", "$.health.headers",
				"Expected a JSON object of header names to values, but found an array",
				"Write the headers as an object, such as {\"X-Health-Token\": \"secret\"}.");
		assertThatFails("{ \"backends\": [ { \"healthHeaders\": { \"X-A\": { \"v\": 1 } } } ] }",
				"$.backends[0].healthHeaders.X-A",
				"Expected a string, number or boolean as the value of header 'X-A', but found an object",
				"Replace the value at $.backends[0].healthHeaders.X-A with the header value as a string.");
	}

	@Test
	void scalarKeyMustNotHoldAnObjectOrArray() {
		assertThatFails("{ \"backends\": [ { \"id\": 0 }, { \"id\": 1, \"weight\": { \"value\": 2 } } ] }",
				"$.backends[1].weight", "Expected a string, number or boolean for 'weight', but found an object",
				"Replace the value at $.backends[1].weight with a single string, number or boolean.");
		assertThatFails("{ \"port\": [ 3001 ] }", "$.port",
				"Expected a string, number or boolean for 'port', but found an array", null);
		assertThatFails("{ \"health\": { \"timeout\": [] } }", "$.health.timeout",
				"Expected a string, number or boolean for 'timeout', but found an array", null);
	}

	@Test
	void unknownTopLevelKeyListsValidKeys() {
		assertThatFails("{ \"listen\": 3001 }", "$.listen",
				"Unknown top-level key 'listen'. Valid keys are: port, strategy, backends, health, email",
				"Remove 'listen' from $ or replace it with one of the valid keys: port, strategy, backends, health, "
						+ "email.");
	}

	@Test
	void unknownKeyInKebabCaseSuggestsCamelCaseKey() {
		assertThatFails("{ \"backends\": [ { \"id\": 0, \"health-path\": \"/health\" } ] }",
				"$.backends[0].health-path",
				"Unknown backend key 'health-path' (did you mean 'healthPath'?). Valid keys are: id, url, weight, "
						+ "owner, healthPath, healthMethod, healthAlgorithm, healthTimeout, healthHeaders, healthCheck, healthRise, healthFall, state",
				"Rename 'health-path' to 'healthPath' at $.backends[0].");
	}

	@Test
	void unknownKeyDifferingInCaseSuggestsValidKey() {
		assertThatFails("{ \"backends\": [ { \"healthtimeout\": 5000 } ] }", "$.backends[0].healthtimeout", null,
				"Rename 'healthtimeout' to 'healthTimeout' at $.backends[0].");
		assertThatFails("{ \"Port\": 3001 }", "$.Port", "Unknown top-level key 'Port' (did you mean 'port'?). "
				+ "Valid keys are: port, strategy, backends, health, email", "Rename 'Port' to 'port' at $.");
	}

	@Test
	void unknownKeysInNestedObjectsAreReported() {
		assertThatFails("{ \"health\": { \"intervall\": 1000 } }", "$.health.intervall",
				"Unknown health key 'intervall'. Valid keys are: interval, path, method, algorithm, timeout, headers, "
						+ "check, rise, fall, enabled, passive",
				null);
		assertThatFails("{ \"email\": { \"Host\": \"smtp.example.com\" } }", "$.email.Host",
				"Unknown email key 'Host' (did you mean 'host'?). Valid keys are: service, host, port, secure, auth, "
						+ "from",
				null);
		assertThatFails("{ \"email\": { \"auth\": { \"user\": \"me\", \"password\": \"hunter2\" } } }",
				"$.email.auth.password", "Unknown email.auth key 'password'. Valid keys are: user, pass", null);
	}

	static Map<String, Object> map(String json) {
		return OriginalConfigJson.toProperties(mapper.readTree(json), "config.json", (path) -> null);
	}

	static void assertThatFails(String json, String jsonPath, String description, String action) {
		assertThatExceptionOfType(ConfigFileException.class).isThrownBy(() -> map(json)).satisfies((ex) -> {
			assertThat(ex.getLocation()).isEqualTo("config.json");
			assertThat(ex.getJsonPath()).isEqualTo(jsonPath);
			assertThat(ex.getMessage())
				.startsWith("Invalid smart-stick config file 'config.json' at " + jsonPath + ": ")
				.doesNotContain("hunter2");
			if (description != null) {
				assertThat(ex.getDescription()).isEqualTo(description);
			}
			if (action != null) {
				assertThat(ex.getAction()).isEqualTo(action);
			}
		});
	}

}
