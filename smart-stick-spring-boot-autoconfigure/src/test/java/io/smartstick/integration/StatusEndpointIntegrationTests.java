package io.smartstick.integration;

import java.time.Duration;
import java.util.List;

import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status endpoint answers in the original's exact JSON shape, with per-backend health
 * settings resolved against the global ones and no secrets.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.strategy=least-connections", "smartstick.health.path=/health",
				"smartstick.health.timeout=1500", "smartstick.health.headers[X-Internal]=very-secret-token" })
class StatusEndpointIntegrationTests {

	@RegisterExtension
	static final TestBackend backend0 = new TestBackend("0");

	@RegisterExtension
	static final TestBackend backend1 = new TestBackend("1");

	@LocalServerPort
	int port;

	WebTestClient client;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend0::url, 2);
		LoadBalancerTests.backend(properties, 1, 7, backend1::url, 1);
		properties.add("smartstick.backends[1].health-path", () -> "/ready");
		properties.add("smartstick.backends[1].health-method", () -> "head");
		properties.add("smartstick.backends[1].health-algorithm", () -> "http");
		properties.add("smartstick.backends[1].health-timeout", () -> "5s");
	}

	@BeforeEach
	void setUp() {
		this.client = LoadBalancerTests.client(this.port);
	}

	@Test
	void statusHasExactlyTheOriginalsFields() {
		this.client.get().uri("/").cookie("X-Backend-ID", "7").exchange().expectStatus().isOk();
		String body = this.client.get()
			.uri("/_lb/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType("application/json")
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		JsonNode status = JsonMapper.builder().build().readTree(body);
		assertThat(status.propertyNames()).containsExactly("timestamp", "strategy", "total", "healthy",
				"unhealthy", "backends");
		assertThat(status.get("timestamp").asString()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
		assertThat(status.get("strategy").asString()).isEqualTo("least-connections");
		assertThat(status.get("total").asInt()).isEqualTo(2);
		assertThat(status.get("healthy").asInt()).isEqualTo(2);
		assertThat(status.get("unhealthy").asInt()).isZero();
		JsonNode first = status.get("backends").get(0);
		assertThat(first.propertyNames()).containsExactly("id", "url", "healthy", "weight", "requests",
				"activeConnections", "lastChecked", "healthCheck");
		assertThat(first.get("healthCheck").propertyNames()).containsExactly("path", "method", "algorithm",
				"timeout", "hasCustomHeaders", "hasCustomFunction");
		assertThat(first.get("id").isInt()).isTrue();
		assertThat(first.get("url").asString()).isEqualTo(backend0.url());
		assertThat(first.get("weight").asInt()).isEqualTo(2);
		assertThat(first.get("healthCheck").get("path").asString()).isEqualTo("/health");
		assertThat(first.get("healthCheck").get("method").asString()).isEqualTo("GET");
		assertThat(first.get("healthCheck").get("algorithm").asString()).isEqualTo("http-status");
		assertThat(first.get("healthCheck").get("timeout").asLong()).isEqualTo(1500);
		assertThat(first.get("healthCheck").get("hasCustomHeaders").asBoolean()).isTrue();
		assertThat(first.get("healthCheck").get("hasCustomFunction").asBoolean()).isFalse();
		JsonNode second = status.get("backends").get(1);
		assertThat(second.get("id").asInt()).isEqualTo(7);
		assertThat(second.get("requests").asLong()).isEqualTo(1);
		assertThat(second.get("activeConnections").asInt()).isZero();
		assertThat(second.get("healthCheck").get("path").asString()).isEqualTo("/ready");
		assertThat(second.get("healthCheck").get("method").asString()).isEqualTo("HEAD");
		assertThat(second.get("healthCheck").get("algorithm").asString()).isEqualTo("http");
		assertThat(second.get("healthCheck").get("timeout").asLong()).isEqualTo(5000);
		assertThat(body).doesNotContain("very-secret-token").doesNotContain("X-Internal");
	}

	@Test
	void leastConnectionsSendsNewClientsAwayFromABusyBackend() {
		List<reactor.core.Disposable> slow = List.of(slowRequestTo("0"), slowRequestTo("0"), slowRequestTo("0"));
		try {
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(5))
				.until(() -> activeConnections(0) == 3);
			for (int i = 0; i < 6; i++) {
				this.client.get().uri("/").exchange().expectHeader().valueEquals("x-backend-id", "7");
			}
		}
		finally {
			slow.forEach(reactor.core.Disposable::dispose);
		}
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> activeConnections(0) == 0);
	}

	private reactor.core.Disposable slowRequestTo(String backendId) {
		return org.springframework.web.reactive.function.client.WebClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri("/slow?ms=3000")
			.cookie("X-Backend-ID", backendId)
			.retrieve()
			.toBodilessEntity()
			.subscribe((response) -> {
			}, (error) -> {
			});
	}

	private int activeConnections(int index) {
		String body = this.client.get()
			.uri("/_lb/health")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		return JsonMapper.builder()
			.build()
			.readTree(body)
			.get("backends")
			.get(index)
			.get("activeConnections")
			.asInt();
	}

}
