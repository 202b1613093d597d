package io.smartstick.integration;

import java.time.Duration;
import java.util.List;

import io.smartstick.dashboard.DashboardSampler;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard as a browser and a WebClient see it: the page under a strict
 * Content-Security-Policy, never proxied, and its event stream (a snapshot, then live
 * updates) with no secret in it.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.path=/health", "smartstick.health.interval=1s",
				"smartstick.health.headers[X-Internal]=very-secret-token", "smartstick.sticky.secret=cookie-secret-1234567890" })
class DashboardIntegrationTests {

	@RegisterExtension
	static final TestBackend backend0 = new TestBackend("0");

	@RegisterExtension
	static final TestBackend backend1 = new TestBackend("1");

	@RegisterExtension
	static final TestBackend api0 = new TestBackend("api-0");

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENT = new ParameterizedTypeReference<>() {
	};

	private static final JsonMapper mapper = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	DashboardSampler sampler;

	WebTestClient client;

	WebClient webClient;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend0::url, 2);
		LoadBalancerTests.backend(properties, 1, 1, backend1::url, 1);
		properties.add("smartstick.pools.api.paths", () -> "/api/**");
		LoadBalancerTests.poolBackend(properties, "api", 0, 0, api0::url);
	}

	@BeforeEach
	void setUp() {
		this.client = LoadBalancerTests.client(this.port);
		this.webClient = WebClient.create("http://127.0.0.1:" + this.port);
	}

	@Test
	void pageIsServedWithAStrictContentSecurityPolicy() {
		this.client.get()
			.uri("/_lb/")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_HTML)
			.expectHeader()
			.valueEquals("Content-Security-Policy",
					"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
							+ "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
			.expectHeader()
			.valueEquals("X-Content-Type-Options", "nosniff")
			.expectBody(String.class)
			.value((page) -> assertThat(page).contains("<script src=\"dashboard.js\" defer></script>")
				.doesNotContain("<script>")
				.doesNotContain("style=")
				.doesNotContain("http://")
				.doesNotContain("https://"));
		this.client.get()
			.uri("/_lb/dashboard.js")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.valueOf("text/javascript"));
		this.client.get()
			.uri("/_lb/dashboard.css")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.valueOf("text/css"));
	}

	@Test
	void pageAnswersHeadRequests() {
		this.client.head()
			.uri("/_lb/")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_HTML)
			.expectBody()
			.isEmpty();
	}

	@Test
	void pathWithoutTrailingSlashRedirectsToThePage() {
		this.client.get()
			.uri("/_lb")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.PERMANENT_REDIRECT)
			.expectHeader()
			.valueEquals("Location", "/_lb/");
	}

	@Test
	void dashboardPathsAreNeverProxied() {
		int before = backend0.requestCount() + backend1.requestCount();
		this.client.get().uri("/_lb/no-such-asset").exchange().expectStatus().isNotFound();
		this.client.post().uri("/_lb/events").exchange().expectStatus().is4xxClientError();
		// health checks reach the backends meanwhile, but never on these paths
		assertThat(backend0.requestCount() + backend1.requestCount() - before).isLessThan(10);
		assertThat(this.client.get().uri("/").exchange().expectStatus().isOk()).isNotNull();
	}

	@Test
	void eventsArriveSnapshotFirstThenUpdates() {
		List<ServerSentEvent<String>> events = events().take(3).collectList().block(Duration.ofSeconds(15));
		assertThat(events).hasSize(3);
		assertThat(events).extracting(ServerSentEvent::event).containsExactly("snapshot", "update", "update");
		assertThat(events.get(0).retry()).isEqualTo(Duration.ofSeconds(2));
		JsonNode snapshot = mapper.readTree(events.get(0).data());
		assertThat(snapshot.get("writes").get("allowed").asBoolean()).isFalse();
		assertThat(snapshot.get("writes").get("reason").asString()).contains("management.endpoints.web.exposure.include");
		JsonNode pools = snapshot.get("pools");
		assertThat(pools).hasSize(2);
		assertThat(pools.get(0).get("name").asString()).isEqualTo("default");
		assertThat(pools.get(1).get("name").asString()).isEqualTo("api");
		JsonNode first = pools.get(0).get("backends").get(0);
		assertThat(first.get("url").asString()).isEqualTo(backend0.url());
		assertThat(first.get("weight").asInt()).isEqualTo(2);
		assertThat(first.has("history")).isTrue();
		assertThat(pools.get(0).get("totals").get("backends").asInt()).isEqualTo(2);
		JsonNode update = mapper.readTree(events.get(2).data());
		assertThat(update.get("pools").get(1).get("backends").get(0).get("state").asString()).isEqualTo("UP");
		for (ServerSentEvent<String> event : events) {
			assertThat(event.data()).doesNotContain("very-secret-token")
				.doesNotContain("X-Internal")
				.doesNotContain("cookie-secret");
		}
	}

	@Test
	void updatesShowTrafficLatencyAndErrors() {
		for (int i = 0; i < 20; i++) {
			this.client.get().uri("/").exchange().expectStatus().isOk();
		}
		this.client.get().uri("/status/503").exchange().expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		JsonNode pool = events().skip(1)
			.map((event) -> mapper.readTree(event.data()).get("pools").get(0))
			.filter((node) -> node.get("totals").get("errorRate").asDouble() > 0)
			.blockFirst(Duration.ofSeconds(15));
		assertThat(pool.get("totals").get("rps").asDouble()).isPositive();
		assertThat(pool.get("totals").get("errorRate").asDouble()).isLessThan(0.5);
		for (JsonNode backend : pool.get("backends")) {
			assertThat(backend.get("p50").asDouble()).isPositive();
			assertThat(backend.get("p99").asDouble()).isGreaterThanOrEqualTo(backend.get("p50").asDouble());
			assertThat(backend.get("check").get("passed").asBoolean()).isTrue();
			assertThat(backend.get("check").get("latency").asDouble()).isPositive();
			assertThat(backend.get("point")).hasSize(3);
		}
	}

	@Test
	void reconnectingStartsAgainFromAFreshSnapshot() {
		ServerSentEvent<String> first = events().blockFirst(Duration.ofSeconds(10));
		assertThat(first.event()).isEqualTo("snapshot");
		// the first stream was cancelled, as a browser that goes away: the server lets it go
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.sampler.subscribers() == 0);
		List<ServerSentEvent<String>> again = events().take(2).collectList().block(Duration.ofSeconds(10));
		assertThat(again).extracting(ServerSentEvent::event).containsExactly("snapshot", "update");
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.sampler.subscribers() == 0);
	}

	private Flux<ServerSentEvent<String>> events() {
		return this.webClient.get()
			.uri("/_lb/events")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(EVENT);
	}

}
