package io.smartstick.integration;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.routing.SmartStickRoutes;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.StickyRequests;
import io.smartstick.test.TestBackend;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end behaviour of sticky round-robin routing with real backends.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class StickyRoutingIntegrationTests {

	@RegisterExtension
	static final TestBackend backend0 = new TestBackend("0");

	@RegisterExtension
	static final TestBackend backend1 = new TestBackend("1");

	@LocalServerPort
	int port;

	@Autowired
	BackendRegistry registry;

	@Autowired
	ReactiveLoadBalancer.Factory<ServiceInstance> loadBalancers;

	WebTestClient client;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend0::url, 2);
		LoadBalancerTests.backend(properties, 1, 1, backend1::url, 1);
		// drained (weight 0) so only clients sent there by cookie reach it; nothing listens on its port
		LoadBalancerTests.backend(properties, 2, 2, () -> "http://127.0.0.1:" + closedPort(), 0);
		properties.add("smartstick.proxy.response-timeout", () -> "1s");
		// routing in isolation: the tests set backend health themselves
		properties.add("smartstick.health.enabled", () -> "false");
		properties.add("smartstick.health.passive", () -> "false");
		properties.add("smartstick.proxy.retries", () -> "0");
	}

	static int closedPort() {
		TestBackend closed = new TestBackend("closed");
		closed.close();
		return closed.port();
	}

	@BeforeEach
	void setUp() {
		this.client = LoadBalancerTests.client(this.port);
	}

	@AfterEach
	void allBackendsUp() {
		for (Backend backend : this.registry.all()) {
			this.registry.updateHealth(backend, true, "test reset", Instant.now());
		}
	}

	@Test
	void stickyCookieIsSetOnFirstResponseAndHonouredAfterwards() {
		EntityExchangeResult<String> first = get(null);
		String backendId = first.getResponseHeaders().getFirst("x-backend-id");
		ResponseCookie cookie = first.getResponseCookies().getFirst("X-Backend-ID");
		assertThat(cookie).isNotNull();
		assertThat(cookie.getValue()).isEqualTo(backendId);
		assertThat(cookie.isHttpOnly()).isTrue();
		assertThat(cookie.getSameSite()).isEqualTo("Lax");
		assertThat(cookie.getPath()).isEqualTo("/");
		assertThat(cookie.isSecure()).isFalse();
		assertThat(first.getResponseBody()).isEqualTo("backend-" + backendId);
		for (int i = 0; i < 10; i++) {
			EntityExchangeResult<String> next = get(cookie.getValue());
			assertThat(next.getResponseBody()).isEqualTo("backend-" + backendId);
			assertThat(next.getResponseHeaders().getFirst("x-backend-id")).isEqualTo(backendId);
			assertThat(next.getResponseCookies().get("X-Backend-ID")).as("no cookie when the assignment holds")
				.isNull();
		}
	}

	@Test
	void stickyCookieIsSecureWhenATrustedProxySaysTheClientUsedHttps() {
		ResponseCookie cookie = this.client.get()
			.uri("/")
			.header("X-Forwarded-Proto", "https")
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseCookies()
			.getFirst("X-Backend-ID");
		assertThat(cookie.isSecure()).isTrue();
	}

	@Test
	void backendsSeeTheClientInXForwardedHeadersAndNoForwardedHeader() throws InterruptedException {
		this.client.get()
			.uri("/forwarded-headers")
			.cookie("X-Backend-ID", "0")
			.header("X-Forwarded-For", "203.0.113.7")
			.header("Forwarded", "for=198.51.100.1")
			.exchange()
			.expectStatus()
			.isOk();
		RecordedRequest received = requestFor(backend0, "/forwarded-headers");
		assertThat(received.getHeaders().get("X-Forwarded-For")).isEqualTo("203.0.113.7,127.0.0.1");
		assertThat(received.getHeaders().get("X-Forwarded-Proto")).isEqualTo("http");
		assertThat(received.getHeaders().get("X-Forwarded-Host")).isEqualTo("127.0.0.1:" + this.port);
		assertThat(received.getHeaders().get("X-Forwarded-Port")).isEqualTo(String.valueOf(this.port));
		assertThat(received.getHeaders().get("Forwarded")).as("RFC 7239 header is off by default").isNull();
	}

	@Test
	void otherLoadBalancerClientsOfTheServiceGetTheSameStickyDecision() {
		ReactiveLoadBalancer<ServiceInstance> balancer = this.loadBalancers.getInstance(SmartStickRoutes.SERVICE_ID);
		MultiValueMap<String, String> cookies = new LinkedMultiValueMap<>();
		cookies.add("X-Backend-ID", "1");
		RequestData data = new RequestData(HttpMethod.GET, URI.create("http://smart-stick/"), new HttpHeaders(),
				cookies, new HashMap<>());
		for (int i = 0; i < 5; i++) {
			Response<ServiceInstance> response = Mono
				.from(balancer.choose(new DefaultRequest<>(new RequestDataContext(data))))
				.block(Duration.ofSeconds(5));
			assertThat(response.hasServer()).isTrue();
			assertThat(response.getServer().getInstanceId()).isEqualTo("1");
		}
		Response<ServiceInstance> newClient = Mono
			.from(balancer.choose(new DefaultRequest<>(new RequestDataContext(new RequestData(HttpMethod.GET,
					URI.create("http://smart-stick/"), new HttpHeaders(), new LinkedMultiValueMap<>(),
					new HashMap<>())))))
			.block(Duration.ofSeconds(5));
		assertThat(newClient.hasServer()).isTrue();
	}

	@Test
	void backendCookiesPassThroughBesideTheStickyCookie() {
		EntityExchangeResult<String> result = get(null);
		assertThat(result.getResponseCookies().getFirst("app-session")).isNotNull();
		assertThat(result.getResponseCookies().getFirst("X-Backend-ID")).isNotNull();
	}

	@Test
	void newClientsAreSpreadTwoToOneInEveryRunOfThree() {
		List<String> order = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			order.add(get(null).getResponseHeaders().getFirst("x-backend-id"));
		}
		for (int start = 0; start + 3 <= order.size(); start += 3) {
			List<String> run = order.subList(start, start + 3);
			assertThat(run).as("run %s of %s", start / 3, order).filteredOn("0"::equals).hasSize(2);
			assertThat(run).filteredOn("1"::equals).hasSize(1);
		}
	}

	@Test
	void clientOfDownBackendIsReassignedAndCookieRewritten() {
		Backend one = this.registry.find(1);
		this.registry.updateHealth(one, false, "test", Instant.now());
		EntityExchangeResult<String> result = get("1");
		assertThat(result.getResponseHeaders().getFirst("x-backend-id")).isEqualTo("0");
		assertThat(result.getResponseCookies().getFirst("X-Backend-ID").getValue()).isEqualTo("0");
	}

	@Test
	void drainedOrUnknownOrGarbageCookieIsTreatedAsAbsent() {
		// browsers keep cookies up to 4096 bytes; larger headers are refused by the HTTP server itself
		String huge = "9".repeat(4_000);
		for (String garbage : List.of("", "abc", "-1", "99", "0x1", "1.2", "01", huge, "%00", "1,1", "1.", "1.abc",
				"\u00e9")) {
			// a raw header, so that the client does not refuse to send what a hostile client would
			EntityExchangeResult<String> result = this.client.get()
				.uri("/")
				.header(HttpHeaders.COOKIE, "X-Backend-ID=" + garbage)
				.exchange()
				.expectBody(String.class)
				.returnResult();
			assertThat(result.getStatus().value()).as("cookie '%s'", garbage.length() > 20 ? "huge" : garbage)
				.isEqualTo(200);
			assertThat(result.getResponseCookies().getFirst("X-Backend-ID")).as("new cookie for '%s'", garbage)
				.isNotNull();
		}
	}

	@Test
	void noHealthyBackendAnswers503WithJsonAndRetryAfter() {
		for (Backend backend : this.registry.all()) {
			this.registry.updateHealth(backend, false, "test", Instant.now());
		}
		this.client.get()
			.uri("/anything")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER)
			.expectBody()
			.json("{\"error\":\"No healthy backends available.\"}",
					org.springframework.test.json.JsonCompareMode.STRICT);
	}

	@Test
	void requestAndResponsePassThroughIntact() throws Exception {
		byte[] body = new byte[256 * 1024];
		new java.util.Random(42).nextBytes(body);
		EntityExchangeResult<byte[]> result = this.client.post()
			.uri(java.net.URI.create("http://127.0.0.1:" + this.port + "/echo?q=a%20b&x=1&x=2"))
			.header("X-Custom", "value-1")
			.header("Cookie", "X-Backend-ID=1; other=keep")
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(byte[].class)
			.returnResult();
		assertThat(result.getResponseBody()).isEqualTo(body);
		HttpHeaders headers = result.getResponseHeaders();
		assertThat(headers.getFirst("echo-method")).isEqualTo("POST");
		assertThat(headers.getFirst("echo-target")).isEqualTo("/echo?q=a%20b&x=1&x=2");
		assertThat(headers.getFirst("echo-x-custom")).isEqualTo("value-1");
		assertThat(headers.getFirst("echo-x-forwarded-for")).contains("127.0.0.1");
		assertThat(headers.getFirst("echo-x-forwarded-proto")).isEqualTo("http");
		assertThat(headers.getFirst("backend")).isEqualTo("1");
	}

	@Test
	void unreachableBackendAnswers502WithJson() {
		this.client.get()
			.uri("/")
			.cookie("X-Backend-ID", "2")
			.exchange()
			.expectStatus()
			.isEqualTo(502)
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("Backend 2 did not answer.");
		awaitNoActiveConnections();
	}

	@Test
	void slowBackendAnswers504AfterResponseTimeout() {
		this.client.get()
			.uri("/slow?ms=3000")
			.cookie("X-Backend-ID", "0")
			.exchange()
			.expectStatus()
			.isEqualTo(504)
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("Backend 0 did not answer in time.");
		awaitNoActiveConnections();
	}

	@Test
	void backendThatStallsInTheMiddleOfItsBodyIsCutOffAfterTheResponseTimeout(CapturedOutput output) {
		// the timeout runs between any two reads of the answer, as nginx's proxy_read_timeout: a backend that
		// stops sending does not hold the client and a backend connection for ever
		Throwable failure = LoadBalancerTests.brokenOffAnswer(this.port, "/stall-body?ms=3000", "0",
				Duration.ofSeconds(30));
		assertThat(failure).isNotNull().isNotInstanceOf(AssertionError.class);
		awaitNoActiveConnections();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(output).contains("Cut off the answer of backend 0: nothing was read of it "
					+ "for longer than the response timeout"));
	}

	@Test
	void backendThatSendsItsBodySlowlyButSteadilyIsNotCutOff() {
		// four pauses of 350 ms: longer than the response timeout in all, never between two reads
		this.client.get()
			.uri("/stall-body?ms=350")
			.cookie("X-Backend-ID", "1")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.isEqualTo("backend-1-----------------------complete");
		awaitNoActiveConnections();
	}

	@Test
	void activeConnectionsCountGoesBackToZeroAfterEveryKindOfEnding() {
		get(null);
		get("0");
		this.client.get().uri("/status/500").exchange().expectStatus().isEqualTo(500);
		awaitNoActiveConnections();
		long before = this.registry.find(0).requests() + this.registry.find(1).requests();
		// a client that gives up while the backend is still working
		WebTestClient impatient = this.client.mutate().responseTimeout(Duration.ofMillis(200)).build();
		try {
			impatient.get().uri("/slow?ms=800").cookie("X-Backend-ID", "1").exchange();
		}
		catch (AssertionError | IllegalStateException ex) {
			// expected: the client timed out and cancelled
		}
		awaitNoActiveConnections();
		assertThat(this.registry.find(0).requests() + this.registry.find(1).requests()).isEqualTo(before + 1);
		assertThat(this.registry.all()).allSatisfy((backend) -> assertThat(backend.activeConnections()).isZero());
	}

	private void awaitNoActiveConnections() {
		LoadBalancerTests.awaitAllReleased(this.registry::all);
	}

	private EntityExchangeResult<String> get(String cookie) {
		return StickyRequests.get(this.client, cookie);
	}

	/** The request the backend received for the path, skipping those earlier tests left queued. */
	private static RecordedRequest requestFor(TestBackend backend, String path) throws InterruptedException {
		for (int i = 0; i < 1000; i++) {
			RecordedRequest request = backend.server().takeRequest(5, TimeUnit.SECONDS);
			assertThat(request).as("backend received a request for %s", path).isNotNull();
			if (path.equals(request.getUrl().encodedPath())) {
				return request;
			}
		}
		throw new AssertionError("no request for " + path + " among the first 1000 the backend received");
	}

}
