package com.example.consumer;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.ResponseCookie;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the design promises a user: add the starter, configure application.yml, define a
 * HealthCheck bean, read Actuator's metrics. Two MockWebServer backends on loopback; checks
 * run often, so that the test is short, with a timeout that a busy machine does not reach.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.interval=300ms", "smartstick.health.timeout=5s" })
class ConsumerApplicationTests {

	static final Backend a = new Backend("A");

	static final Backend b = new Backend("B");

	@LocalServerPort
	int port;

	WebTestClient client;

	@DynamicPropertySource
	static void backendPorts(DynamicPropertyRegistry properties) {
		properties.add("backends.a.port", a.server::getPort);
		properties.add("backends.b.port", b.server::getPort);
	}

	@AfterAll
	static void stopBackends() {
		a.server.close();
		b.server.close();
	}

	@BeforeEach
	void setUp() {
		this.client = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(10))
			.build();
		a.status.set("green");
		b.status.set("green");
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(healthy()).isEqualTo(2));
	}

	@Test
	void requestsOfOneClientStayOnItsBackend() {
		EntityExchangeResult<String> first = get(null);
		ResponseCookie cookie = first.getResponseCookies().getFirst("X-Backend-ID");
		assertThat(cookie).isNotNull();
		String backend = first.getResponseBody();
		for (int i = 0; i < 5; i++) {
			EntityExchangeResult<String> next = get(cookie.getValue());
			assertThat(next.getResponseBody()).isEqualTo(backend);
			assertThat(next.getResponseCookies()).doesNotContainKey("X-Backend-ID");
		}
	}

	@Test
	void theApplicationsHealthCheckDecidesWhichBackendIsDown() {
		// B's status page still answers 200, which smart-stick's own check would call healthy
		b.status.set("red");
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(healthy()).isEqualTo(1));
		assertThat(backend(1)).containsEntry("healthy", false);
		assertThat(backend(0)).containsEntry("healthy", true);
		EntityExchangeResult<String> moved = get("1");
		assertThat(moved.getResponseBody()).isEqualTo("Hello from A");
		assertThat(moved.getResponseCookies().getFirst("X-Backend-ID").getValue()).isEqualTo("0");
		b.status.set("green");
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(healthy()).isEqualTo(2));
	}

	@Test
	void proxiedRequestsAppearInActuatorMetrics() {
		get(null);
		Map<String, Object> metric = this.client.get()
			.uri("/actuator/metrics/smartstick.requests")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(metric).containsEntry("name", "smartstick.requests");
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> measurements = (List<Map<String, Object>>) metric.get("measurements");
		assertThat(measurements).anySatisfy((measurement) -> {
			assertThat(measurement).containsEntry("statistic", "COUNT");
			assertThat(((Number) measurement.get("value")).doubleValue()).isPositive();
		});
	}

	private EntityExchangeResult<String> get(String cookie) {
		WebTestClient.RequestHeadersSpec<?> request = this.client.get().uri("/hello");
		if (cookie != null) {
			request = request.cookie("X-Backend-ID", cookie);
		}
		return request.exchange().expectStatus().isOk().expectBody(String.class).returnResult();
	}

	private int healthy() {
		return ((Number) status().get("healthy")).intValue();
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> backend(int id) {
		List<Map<String, Object>> backends = (List<Map<String, Object>>) status().get("backends");
		return backends.stream()
			.filter((backend) -> ((Number) backend.get("id")).intValue() == id)
			.findFirst()
			.orElseThrow();
	}

	private Map<String, Object> status() {
		return this.client.get()
			.uri("/_lb/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
	}

	/**
	 * A backend answering "Hello from <name>" on every path and its status word on
	 * {@code /status}.
	 */
	static final class Backend {

		final AtomicReference<String> status = new AtomicReference<>("green");

		final MockWebServer server = new MockWebServer();

		Backend(String name) {
			this.server.setDispatcher(new Dispatcher() {

				@Override
				public MockResponse dispatch(RecordedRequest request) {
					if ("/status".equals(request.getUrl().encodedPath())) {
						return new MockResponse.Builder().body(Backend.this.status.get()).build();
					}
					return new MockResponse.Builder().body("Hello from " + name).build();
				}

			});
			try {
				this.server.start(InetAddress.getLoopbackAddress(), 0);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
