package io.smartstick.integration;

import io.smartstick.fast.EngineChoices;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which handler serves a request: the load balancer's own endpoints (Actuator, status),
 * the application's handlers, or the pool, whether the pool is served ahead of WebFlux by
 * the fast engine (leaving the paths of the application's handlers to WebFlux) or by
 * Gateway's route, after the application's handlers.
 */
class HandlerOrderIntegrationTests {

	@RegisterExtension
	static final TestBackend backend = new TestBackend("0");

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend::url, 1);
	}

	@Nested
	@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = "management.endpoints.web.exposure.include=health,smartstick")
	class NothingOfTheApplicationsOwn {

		@LocalServerPort
		int port;

		@Autowired
		EngineChoices engines;

		@Test
		void poolIsServedAheadOfWebFluxAndTheLoadBalancersOwnEndpointsStillAnswer() {
			servesEveryoneItsOwn(LoadBalancerTests.client(this.port));
			// auto, or the engine the build's second run sets for every test
			assertThat(this.engines.find("default").engine())
				.isEqualTo("gateway".equals(System.getProperty("smartstick.engine")) ? "gateway" : "fast");
		}

	}

	@Nested
	@SpringBootTest(classes = { TestApplication.class, ApplicationHandlers.class },
			webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { "management.endpoints.web.exposure.include=health,smartstick", "smartstick.engine=auto" })
	class ApplicationHandlersOfItsOwn {

		@LocalServerPort
		int port;

		@Autowired
		EngineChoices engines;

		@Test
		void applicationHandlersComeFirstAndTheRestIsProxied() {
			WebTestClient client = LoadBalancerTests.client(this.port);
			client.get().uri("/hello").exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("controller");
			client.get().uri("/fn").exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("function");
			servesEveryoneItsOwn(client);
			// the handlers' paths are known: auto keeps the fast engine, which leaves those paths to WebFlux
			assertThat(this.engines.find("default").engine()).isEqualTo("fast");
		}

	}

	static void servesEveryoneItsOwn(WebTestClient client) {
		LoadBalancerTests.expectProxiedTo(client.get().uri("/orders?id=1").exchange(), "0", "backend-0");
		servedLocally(client, "/actuator/health").jsonPath("$.status").isEqualTo("UP");
		client.get()
			.uri("/actuator/smartstick")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.backends[0].id")
			.isEqualTo(0);
		client.get().uri("/actuator/nothing-here").exchange().expectStatus().isNotFound();
		servedLocally(client, "/_lb/health").jsonPath("$.total").isEqualTo(1);
		client.get()
			.uri("/actuators")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("x-backend-id", "0");
	}

	/** A JSON answer of the load balancer itself, not proxied. */
	static WebTestClient.BodyContentSpec servedLocally(WebTestClient client, String path) {
		return client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.doesNotExist("x-backend-id")
			.expectBody();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ApplicationHandlers {

		@Bean
		HelloController helloController() {
			return new HelloController();
		}

		@Bean
		RouterFunction<ServerResponse> functionRoute() {
			return RouterFunctions.route(RequestPredicates.GET("/fn"), (request) -> ServerResponse.ok()
				.bodyValue("function"));
		}

	}

	@RestController
	static class HelloController {

		@GetMapping("/hello")
		Mono<String> hello() {
			return Mono.just("controller");
		}

	}

}
