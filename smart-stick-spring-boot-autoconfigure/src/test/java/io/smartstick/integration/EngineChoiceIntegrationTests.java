package io.smartstick.integration;

import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which engine {@code auto} picks, as users see it: the fast engine for a pool without
 * Gateway filters, Gateway for a pool with filters and for every pool of an application
 * with Spring Security, whose filter chain still guards the proxied requests. Each choice
 * and its reason show in {@code /actuator/smartstick}.
 */
class EngineChoiceIntegrationTests {

	static final TestBackend backend = new TestBackend("0");

	static final TestBackend apiBackend = new TestBackend("api");

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend::url, 1);
		properties.add("smartstick.pools.api.paths", () -> "/api/**");
		LoadBalancerTests.poolBackend(properties, "api", 0, 0, apiBackend::url);
		properties.add("smartstick.pools.api.filters[0]", () -> "AddResponseHeader=X-Served-By,gateway");
	}

	@AfterAll
	static void stopBackends() {
		backend.close();
		apiBackend.close();
	}

	static JsonNode engines(WebTestClient client) {
		String body = client.get()
			.uri("/actuator/smartstick")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		return JsonMapper.builder().build().readTree(body).get("engines");
	}

	@Nested
	@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { "smartstick.engine=auto", "smartstick.health.enabled=false",
					"management.endpoints.web.exposure.include=smartstick" })
	class PoolWithAndPoolWithoutFilters {

		@LocalServerPort
		int port;

		@Test
		void poolWithoutFiltersIsServedFastAndPoolWithFiltersByGateway() {
			WebTestClient client = LoadBalancerTests.client(this.port);
			JsonNode engines = engines(client);
			assertThat(engines.get("default").get("engine").asString()).isEqualTo("fast");
			assertThat(engines.get("default").get("reason").asString()).startsWith("auto: ");
			assertThat(engines.get("api").get("engine").asString()).isEqualTo("gateway");
			assertThat(engines.get("api").get("reason").asString()).contains("AddResponseHeader=X-Served-By,gateway");
			client.get()
				.uri("/api/echo")
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals("X-Served-By", "gateway")
				.expectHeader()
				.valueEquals("x-backend-id", "0");
			client.get()
				.uri("/echo")
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.doesNotExist("X-Served-By")
				.expectHeader()
				.valueEquals("x-backend-id", "0");
		}

	}

	@Nested
	@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { "smartstick.engine=fast", "smartstick.pools.api.engine=gateway",
					"smartstick.health.enabled=false", "management.server.port=0",
					"management.endpoints.web.exposure.include=health,smartstick" })
	class ActuatorOnItsOwnPort {

		@LocalServerPort
		int port;

		@LocalManagementPort
		int managementPort;

		@Test
		void managementServerServesActuatorWhileTheMainServerProxiesItsPaths() {
			WebTestClient management = LoadBalancerTests.client(this.managementPort);
			management.get()
				.uri("/actuator/health")
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.doesNotExist("x-backend-id");
			assertThat(engines(management).get("default").get("engine").asString()).isEqualTo("fast");
			LoadBalancerTests.client(this.port)
				.get()
				.uri("/echo")
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals("x-backend-id", "0");
		}

	}

	@Nested
	@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { "smartstick.engine=auto", "smartstick.health.enabled=false",
					"management.endpoints.web.exposure.include=smartstick", "spring.autoconfigure.exclude=",
					"spring.security.user.name=operator", "spring.security.user.password=s3cret" })
	class ApplicationWithSpringSecurity {

		@LocalServerPort
		int port;

		@Test
		void everyPoolIsServedByGatewaySoThatSecurityStillGuardsIt() {
			WebTestClient client = LoadBalancerTests.client(this.port);
			int reached = backend.requestCount() + apiBackend.requestCount();
			client.get().uri("/echo").exchange().expectStatus().isUnauthorized();
			client.get().uri("/api/echo").exchange().expectStatus().isUnauthorized();
			assertThat(backend.requestCount() + apiBackend.requestCount()).as("nothing reached a backend")
				.isEqualTo(reached);
			WebTestClient operator = client.mutate()
				.defaultHeaders((headers) -> headers.setBasicAuth("operator", "s3cret"))
				.build();
			operator.get()
				.uri("/echo")
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals("x-backend-id", "0");
			JsonNode engines = engines(operator);
			assertThat(engines.get("default").get("engine").asString()).isEqualTo("gateway");
			assertThat(engines.get("default").get("reason").asString())
				.contains("filters of its own that the fast engine would bypass")
				.contains("WebFilterChainProxy");
		}

	}

}
