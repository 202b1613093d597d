package io.smartstick.integration;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.sticky.InFlightReleaseFilter;
import io.smartstick.sticky.ProxiedExchange;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

/**
 * Failover as clients see it: passive detection takes a dead backend down at once, safe
 * requests are retried on a healthy backend with no error and a rewritten cookie, and a
 * request that may have reached the backend is never replayed unless it is idempotent.
 * Active checks are off so that only the request path decides.
 */
@SpringBootTest(classes = { TestApplication.class, FailoverIntegrationTests.AttemptWitness.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.enabled=false", "smartstick.proxy.retries=2",
				"smartstick.proxy.response-timeout=2s" })
class FailoverIntegrationTests {

	@RegisterExtension
	static final TestBackend backend0 = new TestBackend("0");

	@RegisterExtension
	static final TestBackend backend1 = new TestBackend("1");

	/** Drained: only clients sent there by cookie reach it; the burst test kills it. */
	@RegisterExtension
	static final TestBackend doomed = new TestBackend("2");

	/** Nothing listens there: only clients sent there by cookie try it. */
	static final String gone = "http://127.0.0.1:" + LoadBalancerTests.closedPort();

	@LocalServerPort
	int port;

	@Autowired
	BackendRegistry registry;

	/** Gateway's filter chain only: on the fast engine there is no response-writing filter to wrap. */
	@Autowired
	ObjectProvider<AttemptWitness> witness;

	WebTestClient client;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend0::url, 1);
		LoadBalancerTests.backend(properties, 1, 1, backend1::url, 1);
		LoadBalancerTests.backend(properties, 2, 2, doomed::url, 0);
		LoadBalancerTests.backend(properties, 3, 3, () -> gone, 0);
	}

	@BeforeEach
	void setUp() {
		this.client = LoadBalancerTests.client(this.port);
	}

	@AfterEach
	void backendsUpAndIdle() {
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.registry.all())
				.allSatisfy((backend) -> assertThat(backend.activeConnections()).isZero()));
		for (Backend backend : List.of(this.registry.find(0), this.registry.find(1))) {
			this.registry.updateHealth(backend, true, "test reset", Instant.now());
		}
	}

	@Test
	void burstOfGetsWhileTheStickyBackendIsKilledSeesNoErrors() {
		WebClient webClient = WebClient.create("http://127.0.0.1:" + this.port);
		ConcurrentLinkedQueue<ResponseEntity<String>> responses = new ConcurrentLinkedQueue<>();
		// 4 clients, 30 requests each, all sticky to backend 2; it dies after the first 20 answers
		List<Throwable> failures = Flux.range(0, 120)
			.flatMap((i) -> webClient.get()
				.uri("/")
				.cookie("X-Backend-ID", "2")
				.retrieve()
				.toEntity(String.class)
				.doOnNext((response) -> {
					responses.add(response);
					if (responses.size() == 20) {
						doomed.close();
					}
				})
				.then(Mono.<Throwable>empty())
				.onErrorResume(Mono::just), 4)
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(failures).isEmpty();
		assertThat(responses).hasSize(120).allSatisfy((response) -> {
			assertThat(response.getStatusCode().value()).isEqualTo(200);
			assertThat(response.getBody()).isEqualTo("backend-" + response.getHeaders().getFirst("x-backend-id"));
		});
		List<ResponseEntity<String>> moved = new ArrayList<>(responses).stream()
			.filter((response) -> !"2".equals(response.getHeaders().getFirst("x-backend-id")))
			.toList();
		assertThat(moved).isNotEmpty().allSatisfy((response) -> {
			ResponseCookie cookie = ResponseCookie.from("X-Backend-ID", response.getHeaders().getFirst("x-backend-id"))
				.build();
			assertThat(response.getHeaders().get("Set-Cookie")).anySatisfy((header) -> assertThat(header)
				.startsWith(cookie.toString() + ";"));
		});
		assertThat(this.registry.find(2).isHealthy()).isFalse();
		assertThat(this.registry.find(2).health().cause()).contains("passive");
	}

	@Test
	void postThatNeverReachedItsBackendIsRetriedElsewhere() {
		EntityExchangeResult<String> result = this.client.post()
			.uri("/echo")
			.cookie("X-Backend-ID", "3")
			.bodyValue("{\"order\":43}")
			.exchange()
			.expectBody(String.class)
			.returnResult();
		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseBody()).isEqualTo("{\"order\":43}");
		assertThat(result.getResponseHeaders().getFirst("x-backend-id")).isIn("0", "1");
		assertThat(this.registry.find(3).isHealthy()).isFalse();
		assertThat(this.registry.find(3).health().cause()).isEqualTo("connection refused (passive)");
	}

	@Test
	void postWhoseBackendDiesAfterReceivingItIsNotReplayed() throws Exception {
		int before0 = backend0.requestCount();
		EntityExchangeResult<String> result = postOrderToBackend1("/drop");
		assertThat(result.getStatus().value()).isEqualTo(502);
		assertThat(result.getResponseBody()).isEqualTo("{\"error\":\"Backend 1 did not answer.\"}");
		assertThat(drainPaths(backend1)).containsOnlyOnce("/drop");
		assertThat(backend0.requestCount()).as("never replayed elsewhere").isEqualTo(before0);
	}

	@Test
	void getWhoseConnectionBreaksBeforeAnyResponseIsRetriedElsewhere() throws Exception {
		// a connection to each backend in the pool, on which the GET is sent first
		for (String id : List.of("0", "1")) {
			this.client.get().uri("/").cookie("X-Backend-ID", id).exchange().expectStatus().isOk();
		}
		drainPaths(backend0);
		drainPaths(backend1);
		EntityExchangeResult<String> result = this.client.get()
			.uri("/drop")
			.cookie("X-Backend-ID", "1")
			.exchange()
			.expectBody(String.class)
			.returnResult();
		// broken on a pooled connection it may be the keep-alive race: sent once more on a fresh connection.
		// The other backend answers /drop the same way, then the client gets the 502
		assertThat(result.getStatus().value()).isEqualTo(502);
		assertThat(result.getResponseBody()).isEqualTo("{\"error\":\"Backend 0 did not answer.\"}");
		assertThat(drainConnections(backend1)).containsExactly("/drop on a pooled connection",
				"/drop on a fresh connection");
		assertThat(drainConnections(backend0)).containsExactly("/drop on a pooled connection",
				"/drop on a fresh connection");
	}

	@Test
	void retryStartsOnlyOnceTheFailedAttemptIsOver() {
		AttemptWitness witness = this.witness.getIfAvailable();
		assumeTrue(witness != null, "a Gateway engine matter");
		// Gateway's response-writing filter closes the connection the exchange holds when a failed attempt is
		// over: a retry already under way by then could lose its own connection, and the client its answer
		for (String path : List.of("/drop/1", "/break-after-headers/1")) {
			witness.nextAttemptWhenFailedOneWasOver.clear();
			this.registry.updateHealth(this.registry.find(1), true, "test reset", Instant.now());
			EntityExchangeResult<String> result = this.client.get()
				.uri(path)
				.cookie("X-Backend-ID", "1")
				.exchange()
				.expectBody(String.class)
				.returnResult();
			assertThat(result.getStatus().value()).as(path).isEqualTo(200);
			assertThat(result.getResponseBody()).as(path).isEqualTo("backend-0");
			// /drop/1 fails twice there: on its pooled connection, then on a fresh one
			assertThat(witness.nextAttemptWhenFailedOneWasOver).as(path).isNotEmpty().containsOnly("not begun");
		}
	}

	@Test
	void getWhoseBackendBreaksAfterItsHeadersIsRetriedElsewhere() {
		EntityExchangeResult<String> result = this.client.get()
			.uri("/break-after-headers/1")
			.cookie("X-Backend-ID", "1")
			.exchange()
			.expectBody(String.class)
			.returnResult();
		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseBody()).isEqualTo("backend-0");
		assertThat(result.getResponseHeaders().getFirst("x-backend-id")).isEqualTo("0");
		assertThat(result.getResponseHeaders().get("Set-Cookie"))
			.anySatisfy((header) -> assertThat(header).startsWith("X-Backend-ID=0;"));
		assertThat(result.getResponseHeaders().containsHeader("broken")).as("half-received headers dropped")
			.isFalse();
		assertThat(this.registry.find(1).isHealthy()).isFalse();
		assertThat(this.registry.find(1).health().cause())
			.isEqualTo("connection closed during the response (passive)");
	}

	@Test
	void postWhoseBackendBreaksAfterItsHeadersIsAnsweredWithBadGatewayAndNotReplayed() throws Exception {
		drainPaths(backend0);
		EntityExchangeResult<String> result = postOrderToBackend1("/break-after-headers/1");
		assertThat(result.getStatus().value()).isEqualTo(502);
		assertThat(result.getResponseBody()).isEqualTo("{\"error\":\"Backend 1 did not answer.\"}");
		assertThat(result.getResponseHeaders().containsHeader("broken")).isFalse();
		assertThat(result.getResponseHeaders().containsHeader("x-backend-id")).isFalse();
		assertThat(drainPaths(backend0)).as("never replayed elsewhere").isEmpty();
		assertThat(this.registry.find(1).isHealthy()).isFalse();
	}

	@Test
	void backendThatBreaksOffItsBodyIsTakenDownAndTheClientSeesTheBreak() {
		Throwable failure = LoadBalancerTests.brokenOffAnswer(this.port, "/break-mid-body/1", "1",
				Duration.ofSeconds(10));
		// part of the body reached the client: it cannot be retried, and is not passed off as complete
		assertThat(failure).isNotInstanceOf(AssertionError.class);
		assertThat(this.registry.find(1).isHealthy()).isFalse();
		assertThat(this.registry.find(1).health().cause())
			.isEqualTo("connection closed during the response (passive)");
	}

	@Test
	void clientThatStopsReadingIsCutOffWithoutCountingAgainstTheBackend() throws IOException, InterruptedException {
		try (Socket socket = new Socket()) {
			// a small window, so that what the client does not take stays with the load balancer and the backend
			socket.setReceiveBufferSize(16 * 1024);
			socket.connect(new InetSocketAddress("127.0.0.1", this.port));
			socket.setSoTimeout(10_000);
			socket.getOutputStream()
				.write("GET /large?mb=32 HTTP/1.1\r\nHost: lb\r\nCookie: X-Backend-ID=0\r\n\r\n"
					.getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[8192];
			int first = in.read(buffer);
			assertThat(new String(buffer, 0, first, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
			// the stimulus itself: a client that takes nothing for longer than the 2 s response timeout, so reading
			// from the backend pauses that long (backpressure)
			Thread.sleep(3000);
			long received = first;
			for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
				received += read;
			}
			assertThat(received).as("cut off, not a whole answer").isLessThan(32L * 1024 * 1024);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.registry.find(0).activeConnections() == 0);
		// a client's pace says nothing of the backend
		assertThat(this.registry.find(0).isHealthy()).isTrue();
	}

	@Test
	void clientAbortDoesNotCountAgainstTheBackend() {
		WebTestClient impatient = this.client.mutate().responseTimeout(Duration.ofMillis(200)).build();
		try {
			impatient.get().uri("/slow?ms=1000").cookie("X-Backend-ID", "0").exchange();
		}
		catch (AssertionError | IllegalStateException ex) {
			// expected: the client gave up
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.registry.find(0).activeConnections() == 0);
		assertThat(this.registry.find(0).isHealthy()).isTrue();
	}

	@Test
	void clientsThatGoAwayWhileTheirAnswersAreWrittenDoNotTakeTheBackendDown() throws IOException {
		// as a load generator does when it stops: connections with requests in flight closed at once
		String requests = "GET / HTTP/1.1\r\nHost: localhost\r\nCookie: X-Backend-ID=0\r\n\r\n".repeat(20);
		for (int round = 0; round < 5; round++) {
			List<Socket> sockets = new ArrayList<>();
			try {
				for (int i = 0; i < 16; i++) {
					Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port);
					sockets.add(socket);
					socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
				}
				for (Socket socket : sockets) {
					socket.getInputStream().read();
					socket.setSoLinger(true, 0);
				}
			}
			finally {
				for (Socket socket : sockets) {
					socket.close();
				}
			}
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.registry.find(0).activeConnections() == 0);
		assertThat(this.registry.find(0).isHealthy()).as(this.registry.find(0).health().cause()).isTrue();
	}

	private EntityExchangeResult<String> postOrderToBackend1(String path) {
		return this.client.post()
			.uri(path)
			.cookie("X-Backend-ID", "1")
			.bodyValue("{\"order\":42}")
			.exchange()
			.expectBody(String.class)
			.returnResult();
	}

	private static List<String> drainPaths(TestBackend backend) throws InterruptedException {
		List<String> paths = new ArrayList<>();
		mockwebserver3.RecordedRequest request;
		while ((request = backend.server().takeRequest(200, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
			paths.add(request.getUrl().encodedPath());
		}
		return paths;
	}

	private static List<String> drainConnections(TestBackend backend) throws InterruptedException {
		List<String> requests = new ArrayList<>();
		mockwebserver3.RecordedRequest request;
		while ((request = backend.server().takeRequest(200, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
			requests.add(request.getUrl().encodedPath() + " on a "
					+ ((request.getExchangeIndex() > 0) ? "pooled" : "fresh") + " connection");
		}
		return requests;
	}

	/**
	 * Wraps Gateway's response-writing filter, as smart-stick's in-flight count does, and
	 * notes for every attempt that fails whether the next one had chosen its backend by
	 * the time the failed one was over.
	 */
	@ConditionalOnProperty(name = "smartstick.engine", havingValue = "gateway")
	static class AttemptWitness implements GlobalFilter, Ordered {

		final Queue<String> nextAttemptWhenFailedOneWasOver = new ConcurrentLinkedQueue<>();

		@Override
		public int getOrder() {
			return InFlightReleaseFilter.ORDER;
		}

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
			return chain.filter(exchange).doFinally((signal) -> {
				if (signal == SignalType.ON_ERROR) {
					Object next = ProxiedExchange.of(exchange).selection();
					this.nextAttemptWhenFailedOneWasOver.add((next != null) ? "already begun" : "not begun");
				}
			});
		}

	}

}
