package io.smartstick.integration;

import java.net.URI;

import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which engine {@code auto} picks, as users see it: the fast engine for a pool without
 * Gateway filters, Gateway for a pool with filters and for every pool of an application
 * with Spring Security, whose filter chain still guards the proxied requests. The fast
 * engine leaves the paths of the application's controllers to WebFlux; only handlers
 * whose paths cannot be known send the pools to Gateway. Each choice and its reason show
 * in {@code /actuator/smartstick}.
 */
class EngineChoiceIntegrationTests {

	@RegisterExtension
	static final TestBackend backend = new TestBackend("0");

	@RegisterExtension
	static final TestBackend apiBackend = new TestBackend("api");

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend::url, 1);
		properties.add("smartstick.pools.api.paths", () -> "/api/**");
		LoadBalancerTests.poolBackend(properties, "api", 0, 0, apiBackend::url);
		properties.add("smartstick.pools.api.filters[0]", () -> "AddResponseHeader=X-Served-By,gateway");
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

	@Nested
	@SpringBootTest(classes = { TestApplication.class, OwnController.class },
			webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { "smartstick.engine=auto", "smartstick.health.enabled=false",
					"management.endpoints.web.exposure.include=smartstick" })
	class ApplicationWithAControllerOfItsOwn {

		@LocalServerPort
		int port;

		@Test
		void poolStaysFastAndTheControllersPathsAreLeftToWebFlux() {
			WebTestClient client = LoadBalancerTests.client(this.port);
			JsonNode engines = engines(client);
			assertThat(engines.get("default").get("engine").asString()).isEqualTo("fast");
			assertThat(engines.get("default").get("reason").asString())
				.isEqualTo("auto: nothing on the pool needs Gateway");
			int reached = backend.requestCount();
			servedLocally(client, "/own/x?q=1", "own x");
			client.get()
				.uri(URI.create("http://127.0.0.1:" + this.port + "/own/a%20b"))
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(String.class)
				.isEqualTo("own a b");
			// as on the Gateway engine: the controller's path but not its method is WebFlux's 405
			client.post().uri("/own/x").exchange().expectStatus().isEqualTo(405);
			assertThat(backend.requestCount()).as("nothing reached the backend").isEqualTo(reached);
			proxiedToBackend0(client, "/elsewhere");
			proxiedToBackend0(client, "/owner");
			assertThat(backend.requestCount()).isEqualTo(reached + 2);
		}

	}

	@Nested
	@SpringBootTest(classes = { TestApplication.class, OpaqueRouterFunction.class },
			webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { "smartstick.engine=auto", "smartstick.health.enabled=false",
					"management.endpoints.web.exposure.include=smartstick" })
	class ApplicationWithARouterFunctionOnAHeader {

		@LocalServerPort
		int port;

		@Test
		void poolIsServedByGatewayNamingTheRouterFunction() {
			WebTestClient client = LoadBalancerTests.client(this.port);
			JsonNode engines = engines(client);
			assertThat(engines.get("default").get("engine").asString()).isEqualTo("gateway");
			assertThat(engines.get("default").get("reason").asString()).startsWith("auto: ")
				.contains("handler mapping 'routerFunctionMapping'")
				.contains("paths cannot be known");
			LoadBalancerTests.expectServedLocally(client.get().uri("/anything").header("X-Own", "yes").exchange(), "own");
			proxiedToBackend0(client, "/anything");
		}

	}

	private static void proxiedToBackend0(WebTestClient client, String uri) {
		client.get().uri(uri).exchange().expectStatus().isOk().expectHeader().valueEquals("x-backend-id", "0");
	}

	private static void servedLocally(WebTestClient client, String uri, String body) {
		LoadBalancerTests.expectServedLocally(client.get().uri(uri).exchange(), body);
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnController {

		@Bean
		OwnResource ownResource() {
			return new OwnResource();
		}

	}

	@RestController
	@RequestMapping("/own")
	static class OwnResource {

		@GetMapping("/{name}")
		Mono<String> get(@PathVariable String name) {
			return Mono.just("own " + name);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OpaqueRouterFunction {

		@Bean
		RouterFunction<ServerResponse> ownByHeader() {
			return RouterFunctions.route(RequestPredicates.headers((headers) -> !headers.header("X-Own").isEmpty()),
					(request) -> ServerResponse.ok().bodyValue("own"));
		}

	}

}
