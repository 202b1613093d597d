package io.smartstick.sample;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseCookie;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo as the README describes it: the balancer in front of its two demo backends.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	static final int[] demoPorts = { freePort(), freePort(), freePort(), freePort() };

	@LocalServerPort
	int port;

	WebTestClient client;

	@DynamicPropertySource
	static void demoPorts(DynamicPropertyRegistry properties) {
		properties.add("sample.demo-ports",
				() -> demoPorts[0] + "," + demoPorts[1] + "," + demoPorts[2] + "," + demoPorts[3]);
		// a list comes whole from the source that sets it, so both backends are restated in full
		properties.add("smartstick.backends[0].id", () -> "0");
		properties.add("smartstick.backends[0].url", () -> "http://127.0.0.1:" + demoPorts[0]);
		properties.add("smartstick.backends[0].weight", () -> "2");
		properties.add("smartstick.backends[0].health-path", () -> "/health");
		properties.add("smartstick.backends[1].id", () -> "1");
		properties.add("smartstick.backends[1].url", () -> "http://127.0.0.1:" + demoPorts[1]);
		properties.add("smartstick.backends[1].health-path", () -> "/health");
		properties.add("smartstick.backends[1].health-method", () -> "HEAD");
		properties.add("smartstick.pools.api.backends[0].id", () -> "0");
		properties.add("smartstick.pools.api.backends[0].url", () -> "http://127.0.0.1:" + demoPorts[2]);
		properties.add("smartstick.pools.api.backends[0].health-path", () -> "/health");
		properties.add("smartstick.pools.api.backends[1].id", () -> "1");
		properties.add("smartstick.pools.api.backends[1].url", () -> "http://127.0.0.1:" + demoPorts[3]);
		properties.add("smartstick.pools.api.backends[1].health-path", () -> "/health");
	}

	@Test
	void apiPoolServesApiPathsFromItsOwnBackendsWithItsOwnCookie() {
		EntityExchangeResult<String> result = this.client.get()
			.uri("/api/orders")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult();
		String backendId = result.getResponseHeaders().getFirst("x-backend-id");
		assertThat(result.getResponseBody())
			.isEqualTo("Hello from Server " + demoPorts[2 + Integer.parseInt(backendId)]);
		assertThat(result.getResponseCookies().getFirst("X-Backend-ID-api")).isNotNull();
		assertThat(result.getResponseCookies().getFirst("X-Backend-ID")).isNull();
	}

	@BeforeEach
	void setUp() {
		this.client = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(10))
			.build();
	}

	@Test
	void demoAnswersFromADemoBackendAndStaysThere() {
		EntityExchangeResult<String> first = this.client.get()
			.uri("/")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult();
		String backendId = first.getResponseHeaders().getFirst("x-backend-id");
		ResponseCookie cookie = first.getResponseCookies().getFirst("X-Backend-ID");
		assertThat(cookie).isNotNull();
		assertThat(first.getResponseBody()).isEqualTo("Hello from Server " + demoPorts[Integer.parseInt(backendId)]);
		for (int i = 0; i < 5; i++) {
			this.client.get()
				.uri("/")
				.cookie(cookie.getName(), cookie.getValue())
				.exchange()
				.expectHeader()
				.valueEquals("x-backend-id", backendId)
				.expectBody(String.class)
				.isEqualTo(first.getResponseBody());
		}
	}

	@Test
	void defaultPoolRunsOnTheFastEngineAndTheDemoControlStillAnswers() {
		this.client.get()
			.uri("/actuator/smartstick")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.engines.default.engine")
			.isEqualTo("fast")
			.jsonPath("$.engines.default.configured")
			.isEqualTo("auto")
			.jsonPath("$.engines.api.engine")
			.isEqualTo("gateway");
		// the demo's router function, left to WebFlux: an unknown action is its own 400, not proxied
		this.client.post()
			.uri("/demo/backends/" + demoPorts[1] + "/pause")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.doesNotExist("x-backend-id")
			.expectBody(String.class)
			.isEqualTo("Use /demo/backends/{port}/stop or /start\n");
		// starting a running backend changes nothing, so the other tests keep both
		this.client.post()
			.uri("/demo/backends/" + demoPorts[1] + "/start")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.doesNotExist("x-backend-id")
			.expectBody(String.class)
			.isEqualTo("Demo backend " + demoPorts[1] + " already started\n");
		// the demo's path with a method its router function does not serve goes on to the pool, as on Gateway
		this.client.get()
			.uri("/demo/backends/" + demoPorts[1] + "/start")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.exists("x-backend-id");
		this.client.get().uri("/").exchange().expectStatus().isOk().expectHeader().exists("x-backend-id");
	}

	@Test
	void statusEndpointListsTheDemoBackendsOfBothPools() {
		this.client.get()
			.uri("/_lb/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.total")
			.isEqualTo(4)
			.jsonPath("$.pools.default.total")
			.isEqualTo(2)
			.jsonPath("$.pools.api.total")
			.isEqualTo(2)
			.jsonPath("$.backends[0].pool")
			.isEqualTo("default")
			.jsonPath("$.backends[0].weight")
			.isEqualTo(2)
			.jsonPath("$.backends[1].healthCheck.method")
			.isEqualTo("HEAD")
			.jsonPath("$.backends[2].pool")
			.isEqualTo("api");
	}

	@Test
	void prometheusEndpointShowsTheBalancersMeters() {
		this.client.get().uri("/").exchange().expectStatus().isOk();
		String metrics = this.client.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(metrics).contains("smartstick_requests_seconds_count{")
			.contains("smartstick_backend_up{backend=\"0\"")
			.contains("smartstick_sticky_total{");
	}

	@Test
	void operatorCanDrainABackendThroughActuator() {
		this.client.post()
			.uri("/actuator/smartstick/1")
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON)
			.bodyValue("{\"state\":\"drain\"}")
			.exchange()
			.expectStatus()
			.isOk();
		for (int i = 0; i < 6; i++) {
			this.client.get().uri("/").exchange().expectHeader().valueEquals("x-backend-id", "0");
		}
		this.client.post()
			.uri("/actuator/smartstick/1")
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON)
			.bodyValue("{\"state\":\"ready\"}")
			.exchange()
			.expectStatus()
			.isOk();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
