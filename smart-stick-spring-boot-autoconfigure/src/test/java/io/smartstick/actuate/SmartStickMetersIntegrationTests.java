package io.smartstick.actuate;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.integration.TestApplication;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * smart-stick's meters after real traffic, sticky hits and misses, a server error and a
 * failover; and the {@code smartstick} endpoint stays off the web unless exposed. Active
 * checks run once, at start-up, so that only the request path takes a backend down.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,metrics", "smartstick.health.interval=1h" })
class SmartStickMetersIntegrationTests {

	@RegisterExtension
	static final TestBackend backend0 = new TestBackend("0");

	@RegisterExtension
	static final TestBackend backend1 = new TestBackend("1");

	/** Drained: only clients sent there by cookie reach it; the failover test kills it. */
	@RegisterExtension
	static final TestBackend doomed = new TestBackend("2");

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@Autowired
	BackendRegistry registry;

	WebTestClient client;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend0::url, 1);
		LoadBalancerTests.backend(properties, 1, 1, backend1::url, 1);
		LoadBalancerTests.backend(properties, 2, 2, doomed::url, 0);
	}

	@BeforeEach
	void setUp() {
		this.client = LoadBalancerTests.client(this.port);
	}

	@Test
	void requestsAreTimedByBackendAndOutcomeAndStickyAssignmentsCounted() {
		double hits = sticky("hit");
		double misses = sticky("miss");
		long ok0 = requests("0", "SUCCESS", "2xx");
		long ok1 = requests("1", "SUCCESS", "2xx");
		long errors1 = requests("1", "SERVER_ERROR", "5xx");
		get(null, "/");
		get(null, "/");
		for (int i = 0; i < 3; i++) {
			get("0", "/");
		}
		get("1", "/status/500");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(requests("0", "SUCCESS", "2xx") - ok0).isEqualTo(4);
			assertThat(requests("1", "SUCCESS", "2xx") - ok1).isEqualTo(1);
			assertThat(requests("1", "SERVER_ERROR", "5xx") - errors1).isEqualTo(1);
		});
		assertThat(sticky("miss") - misses).isEqualTo(2);
		assertThat(sticky("hit") - hits).isEqualTo(4);
		JsonNode metric = JsonMapper.builder()
			.build()
			.readTree(this.client.get()
				.uri("/actuator/metrics/smartstick.requests?tag=backend:1&tag=outcome:SERVER_ERROR"
						+ "&tag=result:completed")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody());
		assertThat(metric.get("measurements").get(0).get("statistic").asString()).isEqualTo("COUNT");
		assertThat(metric.get("measurements").get(0).get("value").asDouble()).isEqualTo(errors1 + 1);
	}

	@Test
	void proxiedRequestsAreNotObservedTwiceByGatewayAndWebFlux() {
		get(null, "/");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.meters.find("smartstick.requests").timers()).isNotEmpty());
		// smartstick.requests covers proxied traffic; the libraries' own per-request observations are off
		assertThat(this.meters.find("http.server.requests").meters()).isEmpty();
		assertThat(this.meters.find("spring.cloud.gateway.requests").meters()).isEmpty();
		assertThat(this.meters.find("http.client.requests").meters()).isEmpty();
	}

	@Test
	void healthChecksAndBackendStateAreMetered() {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.meters.get("smartstick.health.checks")
				.tags("backend", "0", "outcome", "healthy")
				.timer()
				.count() >= 1);
		assertThat(gauge("smartstick.backend.up", "0")).isEqualTo(1);
		assertThat(gauge("smartstick.backend.active", "0")).isZero();
		assertThat(this.meters.get("smartstick.backend.admin").tags("backend", "0", "state", "ready").gauge().value())
			.isEqualTo(1);
		assertThat(this.meters.get("smartstick.backend.admin").tags("backend", "0", "state", "drain").gauge().value())
			.isZero();
	}

	@Test
	void failoverCountsTheRetryAndTheTransitionOfTheDeadBackend() {
		get("2", "/");
		doomed.close();
		long completed0 = requests("0", "SUCCESS", "2xx");
		long completed1 = requests("1", "SUCCESS", "2xx");
		String servedBy = get("2", "/");
		assertThat(servedBy).isIn("0", "1");
		// each attempt is timed once, as it really ended: the failed one on backend 2, the answer on the other
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(requests("0", "SUCCESS", "2xx") - completed0 + requests("1", "SUCCESS", "2xx") - completed1)
				.isEqualTo(1);
			assertThat(requests(servedBy, "SUCCESS", "2xx"))
				.isEqualTo("0".equals(servedBy) ? completed0 + 1 : completed1 + 1);
			assertThat(failedRequests("2")).isEqualTo(1);
			assertThat(failedRequests(servedBy)).isZero();
		});
		assertThat(this.meters.get("smartstick.retries").tags("backend", "2").counters())
			.isNotEmpty()
			.allSatisfy((counter) -> assertThat(counter.getId().getTag("cause")).isNotBlank());
		assertThat(this.meters.get("smartstick.retries").tags("backend", "2").counters().stream()
			.mapToDouble((counter) -> counter.count())
			.sum()).isEqualTo(1);
		assertThat(transitions("2", "down")).isEqualTo(1);
		assertThat(transitions("2", "up")).isZero();
		assertThat(gauge("smartstick.backend.up", "2")).isZero();
		double reassigned = sticky("reassigned");
		get("2", "/");
		assertThat(sticky("reassigned") - reassigned).isEqualTo(1);
	}

	@Test
	void endpointIsNotReachableOverTheWebUnlessExposed() {
		this.client.get().uri("/actuator/smartstick").exchange().expectStatus().isNotFound();
		this.client.get().uri("/actuator/health").exchange().expectStatus().isOk();
	}

	private String get(String cookie, String path) {
		WebTestClient.RequestHeadersSpec<?> request = this.client.get().uri(path);
		if (cookie != null) {
			request = request.cookie("X-Backend-ID", cookie);
		}
		return request.exchange().returnResult(String.class).getResponseHeaders().getFirst("x-backend-id");
	}

	private long requests(String backend, String outcome, String status) {
		Timer timer = this.meters.find("smartstick.requests")
			.tags("backend", backend, "outcome", outcome, "status", status, "result", "completed")
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

	private long failedRequests(String backend) {
		return this.meters.find("smartstick.requests")
			.tags("backend", backend, "result", "failed")
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

	private double sticky(String result) {
		return this.meters.get("smartstick.sticky").tag("result", result).counter().count();
	}

	private double transitions(String backend, String state) {
		return this.meters.get("smartstick.backend.transitions").tags("backend", backend, "state", state).counter()
			.count();
	}

	private double gauge(String name, String backend) {
		return this.meters.get(name).tag("backend", backend).gauge().value();
	}

}
