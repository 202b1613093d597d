package io.smartstick.actuate;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import io.smartstick.balancer.AdminState;
import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.integration.TestApplication;
import io.smartstick.sticky.StickyCookieCodec;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code smartstick} Actuator endpoint and health contributor as operators use them
 * over HTTP: the status with health details, admin state changes that clients feel at
 * once, clear errors, and no secrets in any answer.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=smartstick,health,metrics",
				"management.endpoint.smartstick.access=unrestricted", "management.endpoint.health.show-details=always",
				"smartstick.health.path=/health", "smartstick.health.headers[X-Token]=s3cr3t",
				"smartstick.sticky.secret=topsecret" })
class SmartStickActuatorIntegrationTests {

	@RegisterExtension
	static final TestBackend backend0 = new TestBackend("0");

	@RegisterExtension
	static final TestBackend backend1 = new TestBackend("1");

	static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	BackendRegistry registry;

	@Autowired
	StickyCookieCodec codec;

	WebTestClient client;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend0::url, 1);
		LoadBalancerTests.backend(properties, 1, 1, backend1::url, 1);
	}

	@BeforeEach
	void setUp() {
		this.client = LoadBalancerTests.client(this.port);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.registry.all().stream().allMatch((backend) -> backend.health().lastChecked() != null));
	}

	@AfterEach
	void allReady() {
		this.registry.all().forEach((backend) -> this.registry.updateAdminState(backend, AdminState.READY));
	}

	@Test
	void endpointAddsHealthDetailsAndAdminStateToTheStatus() {
		String body = get("/actuator/smartstick");
		JsonNode status = json.readTree(body);
		assertThat(status.propertyNames()).containsExactly("timestamp", "strategy", "total", "healthy", "unhealthy",
				"backends", "engines");
		assertThat(status.get("engines").get("default").propertyNames()).containsExactly("engine", "configured",
				"reason");
		assertThat(status.get("total").asInt()).isEqualTo(2);
		assertThat(status.get("healthy").asInt()).isEqualTo(2);
		JsonNode first = status.get("backends").get(0);
		assertThat(first.propertyNames()).containsExactly("id", "url", "healthy", "weight", "requests",
				"activeConnections", "lastChecked", "healthCheck", "state", "consecutiveFailures", "lastCheckLatency",
				"adminState", "openTunnels");
		assertThat(first.get("id").asInt()).isZero();
		assertThat(first.get("url").asString()).isEqualTo(backend0.url());
		assertThat(first.get("state").asString()).isEqualTo("HTTP 200 from /health");
		assertThat(first.get("consecutiveFailures").asInt()).isZero();
		assertThat(first.get("lastCheckLatency").isIntegralNumber()).isTrue();
		assertThat(first.get("lastCheckLatency").asLong()).isBetween(0L, 10_000L);
		assertThat(first.get("adminState").asString()).isEqualTo("ready");
		assertThat(first.get("openTunnels").asInt()).isZero();
		assertThat(first.get("healthCheck").get("hasCustomHeaders").asBoolean()).isTrue();
		assertThat(body).doesNotContain("s3cr3t").doesNotContain("topsecret");
	}

	@Test
	void drainKeepsStickyClientsAndSendsNewClientsElsewhere() {
		EntityExchangeResult<String> result = setAdminState(1, "drain");
		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(json.readTree(result.getResponseBody()).get("adminState").asString()).isEqualTo("drain");
		for (int i = 0; i < 3; i++) {
			assertThat(servedBy(cookieFor(1))).isEqualTo("1");
		}
		for (int i = 0; i < 4; i++) {
			assertThat(servedBy(null)).isEqualTo("0");
		}
		assertThat(json.readTree(get("/actuator/smartstick")).get("backends").get(1).get("adminState").asString())
			.isEqualTo("drain");
	}

	@Test
	void maintenanceMovesStickyClientsWithARewrittenCookieAndNoError() {
		assertThat(setAdminState(1, "maintenance").getStatus().value()).isEqualTo(200);
		EntityExchangeResult<String> moved = this.client.get()
			.uri("/")
			.cookie("X-Backend-ID", cookieFor(1))
			.exchange()
			.expectBody(String.class)
			.returnResult();
		assertThat(moved.getStatus().value()).isEqualTo(200);
		assertThat(moved.getResponseHeaders().getFirst("x-backend-id")).isEqualTo("0");
		assertThat(moved.getResponseBody()).isEqualTo("backend-0");
		assertThat(moved.getResponseCookies().getFirst("X-Backend-ID").getValue()).isEqualTo(cookieFor(0));
	}

	@Test
	void readyPutsABackendBackInRotation() {
		setAdminState(1, "maintenance");
		EntityExchangeResult<String> result = setAdminState(1, "ready");
		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(this.registry.find(1).adminState()).isEqualTo(AdminState.READY);
		Set<String> served = new HashSet<>();
		for (int i = 0; i < 4; i++) {
			served.add(servedBy(null));
		}
		assertThat(served).containsExactlyInAnyOrder("0", "1");
		assertThat(servedBy(cookieFor(1))).isEqualTo("1");
	}

	@Test
	void unknownBackendIsNotFound() {
		EntityExchangeResult<String> result = setAdminState(9, "drain");
		assertThat(result.getStatus().value()).isEqualTo(404);
		assertThat(json.readTree(result.getResponseBody()).get("error").asString())
			.isEqualTo("No backend with id 9.");
	}

	@Test
	void unknownStateIsABadRequestListingTheValidStates() {
		EntityExchangeResult<String> result = setAdminState(1, "asleep");
		assertThat(result.getStatus().value()).isEqualTo(400);
		assertThat(json.readTree(result.getResponseBody()).get("error").asString())
			.isEqualTo("Unknown state 'asleep'; valid states are ready, drain, maintenance.");
		assertThat(this.registry.find(1).adminState()).isEqualTo(AdminState.READY);
	}

	@Test
	void healthHasTheSmartStickComponentWithBackendDetails() {
		this.registry.updateAdminState(this.registry.find(1), AdminState.DRAIN);
		String body = get("/actuator/health");
		JsonNode smartstick = json.readTree(body).get("components").get("smartstick");
		assertThat(smartstick.get("status").asString()).isEqualTo("UP");
		JsonNode backends = smartstick.get("details").get("backends");
		assertThat(backends.propertyNames()).containsExactly("0", "1");
		assertThat(backends.get("1").propertyNames()).containsExactly("healthy", "adminState", "cause", "url");
		assertThat(backends.get("1").get("healthy").asBoolean()).isTrue();
		assertThat(backends.get("1").get("adminState").asString()).isEqualTo("drain");
		assertThat(backends.get("1").get("cause").asString()).isEqualTo("HTTP 200 from /health");
		assertThat(backends.get("1").get("url").asString()).isEqualTo(backend1.url());
		assertThat(body).doesNotContain("s3cr3t").doesNotContain("topsecret");
	}

	private String get(String path) {
		return this.client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	private EntityExchangeResult<String> setAdminState(int id, String state) {
		return this.client.post()
			.uri("/actuator/smartstick/" + id)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"state\":\"" + state + "\"}")
			.exchange()
			.expectBody(String.class)
			.returnResult();
	}

	private String servedBy(String cookie) {
		WebTestClient.RequestHeadersSpec<?> request = this.client.get().uri("/");
		if (cookie != null) {
			request = request.cookie("X-Backend-ID", cookie);
		}
		return request.exchange().expectStatus().isOk().returnResult(String.class).getResponseHeaders()
			.getFirst("x-backend-id");
	}

	private String cookieFor(int id) {
		Backend backend = this.registry.find(id);
		return this.codec.encode(backend);
	}

}
