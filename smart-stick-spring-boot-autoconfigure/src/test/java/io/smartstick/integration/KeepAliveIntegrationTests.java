package io.smartstick.integration;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.observe.SmartStickObserver;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.MockWebServers;
import io.smartstick.test.TestBackend;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backends that close keep-alive connections, as real servers do (after some requests,
 * after a short idle time, or just as a request arrives on a connection they are closing),
 * are healthy backends: under concurrent load no request fails, none is retried on
 * another backend and the backend is never taken down. Active checks are off so that
 * only the request path decides.
 */
@SpringBootTest(classes = { TestApplication.class, KeepAliveIntegrationTests.RetryWitness.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.enabled=false", "smartstick.proxy.retries=2",
				// pooled connections outlive the idle backend's idle timeout, as with backends that keep them longer
				"spring.cloud.gateway.server.webflux.httpclient.pool.max-idle-time=30s" })
class KeepAliveIntegrationTests {

	/** Closes, without answering, every third request that arrives on a connection that carried one before. */
	static final RacyBackend racy = new RacyBackend();

	/** Answers with {@code Connection: close} and closes the connection after every third request on it. */
	static final CloseAfterBackend closeAfter = new CloseAfterBackend(3);

	/** A Reactor Netty server closing connections idle for 150 ms, without notice. */
	static final DisposableServer idle = HttpServer.create()
		.host("127.0.0.1")
		.port(0)
		.idleTimeout(Duration.ofMillis(150))
		.handle((request, response) -> response.sendString(Mono.just("backend-3")))
		.bindNow();

	/** Takes whatever is retried elsewhere. */
	static final TestBackend other = new TestBackend("1");

	@LocalServerPort
	int port;

	@Autowired
	BackendRegistry registry;

	@Autowired
	RetryWitness witness;

	WebTestClient client;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, racy::url, 1);
		LoadBalancerTests.backend(properties, 1, 1, other::url, 1);
		LoadBalancerTests.backend(properties, 2, 2, closeAfter::url, 1);
		LoadBalancerTests.backend(properties, 3, 3, () -> "http://127.0.0.1:" + idle.port(), 1);
	}

	@AfterAll
	static void stopBackends() {
		racy.close();
		closeAfter.close();
		idle.disposeNow();
		other.close();
	}

	@BeforeEach
	void setUp() {
		this.client = LoadBalancerTests.client(this.port);
		this.witness.retries.clear();
		for (Backend backend : this.registry.all()) {
			this.registry.updateHealth(backend, true, "test reset", Instant.now());
		}
	}

	@Test
	void getsOnConnectionsTheBackendClosesAsTheyArriveAllSucceedOnThatBackend() {
		int droppedBefore = racy.dropped.get();
		List<String> failures = load(0, 240, 8, Duration.ZERO);
		assertThat(failures).isEmpty();
		assertThat(racy.dropped.get() - droppedBefore).as("requests that met a closing connection").isPositive();
		assertThat(this.witness.retries).as("retries on another backend").isEmpty();
		assertThat(this.registry.find(0).isHealthy()).isTrue();
	}

	@Test
	void getMetByAClosingPooledConnectionIsSentAgainOnAFreshConnection() throws InterruptedException {
		warmUp(0);
		racy.drain();
		EntityExchangeResult<String> result = this.client.get()
			.uri("/drop-on-reused")
			.cookie("X-Backend-ID", "0")
			.exchange()
			.expectBody(String.class)
			.returnResult();
		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseBody()).isEqualTo("backend-0");
		List<RecordedRequest> seen = racy.drain();
		assertThat(seen).extracting((request) -> request.getUrl().encodedPath()).containsExactly("/drop-on-reused",
				"/drop-on-reused");
		assertThat(seen.get(0).getExchangeIndex()).as("first on a pooled connection").isPositive();
		assertThat(seen.get(1).getExchangeIndex()).as("then on a fresh one").isZero();
		assertThat(this.witness.retries).isEmpty();
		assertThat(this.registry.find(0).isHealthy()).isTrue();
	}

	@Test
	void postWrittenToAClosingPooledConnectionIsNeitherReplayedNorCountedAgainstTheBackend()
			throws InterruptedException {
		warmUp(0);
		racy.drain();
		int before = other.requestCount();
		EntityExchangeResult<String> result = this.client.post()
			.uri("/drop-on-reused")
			.cookie("X-Backend-ID", "0")
			.bodyValue("{\"order\":42}")
			.exchange()
			.expectBody(String.class)
			.returnResult();
		assertThat(result.getStatus().value()).isEqualTo(502);
		assertThat(result.getResponseBody()).isEqualTo("{\"error\":\"Backend 0 did not answer.\"}");
		assertThat(racy.drain()).as("received once").hasSize(1);
		assertThat(other.requestCount()).as("never replayed elsewhere").isEqualTo(before);
		assertThat(this.registry.find(0).isHealthy()).isTrue();
	}

	@Test
	void freshConnectionThatFailsTooTakesTheBackendDownAndTheGetGoesElsewhere() throws InterruptedException {
		warmUp(0);
		racy.drain();
		EntityExchangeResult<String> result = this.client.get()
			.uri("/broken")
			.cookie("X-Backend-ID", "0")
			.exchange()
			.expectBody(String.class)
			.returnResult();
		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseHeaders().getFirst("x-backend-id")).isNotEqualTo("0");
		List<RecordedRequest> seen = racy.drain();
		assertThat(seen).hasSize(2);
		assertThat(seen.get(1).getExchangeIndex()).isZero();
		assertThat(this.witness.retries).containsExactly("0: connection closed before a response");
		assertThat(this.registry.find(0).isHealthy()).isFalse();
		assertThat(this.registry.find(0).health().cause()).isEqualTo("connection closed before a response (passive)");
	}

	@Test
	void connectionAnsweredWithConnectionCloseIsNeverReused() throws InterruptedException {
		closeAfter.drain();
		List<String> failures = load(2, 90, 6, Duration.ZERO);
		assertThat(failures).isEmpty();
		List<RecordedRequest> seen = closeAfter.drain();
		assertThat(seen).hasSize(90)
			.allSatisfy((request) -> assertThat(request.getExchangeIndex()).isLessThan(closeAfter.requestsPerConnection));
		assertThat(this.witness.retries).isEmpty();
		assertThat(this.registry.find(2).isHealthy()).isTrue();
	}

	@Test
	void backendClosingIdleConnectionsWithoutNoticeIsNeverTakenDown() {
		// pauses around the backend's idle timeout: some requests meet a connection it is closing
		List<String> failures = load(3, 120, 4, Duration.ofMillis(150));
		assertThat(failures).isEmpty();
		assertThat(this.witness.retries).isEmpty();
		assertThat(this.registry.find(3).isHealthy()).isTrue();
	}

	/**
	 * Send GETs sticky to one backend from concurrent clients, each pausing up to about
	 * the given time (randomly) between its requests, and return what went wrong.
	 */
	private List<String> load(int backendId, int requests, int concurrency, Duration pause) {
		WebClient webClient = WebClient.create("http://127.0.0.1:" + this.port);
		Queue<String> failures = new ConcurrentLinkedQueue<>();
		Flux.range(0, requests)
			.flatMap((i) -> Mono.delay(jitter(pause))
				.then(webClient.get()
					.uri("/")
					.cookie("X-Backend-ID", Integer.toString(backendId))
					.retrieve()
					.toEntity(String.class))
				.doOnNext((response) -> check(response, backendId, failures))
				.onErrorResume((ex) -> {
					failures.add(ex.toString());
					return Mono.empty();
				}), concurrency)
			.then()
			.block(Duration.ofSeconds(60));
		return new ArrayList<>(failures);
	}

	private static Duration jitter(Duration pause) {
		long millis = pause.toMillis();
		return (millis > 0) ? Duration.ofMillis(ThreadLocalRandom.current().nextLong(millis / 2, millis * 3 / 2))
				: Duration.ZERO;
	}

	private static void check(ResponseEntity<String> response, int backendId, Queue<String> failures) {
		String backend = response.getHeaders().getFirst("x-backend-id");
		if (response.getStatusCode().value() != 200 || !Integer.toString(backendId).equals(backend)) {
			failures.add(response.getStatusCode() + " from backend " + backend + ": " + response.getBody());
		}
	}

	private void warmUp(int backendId) {
		this.client.get().uri("/").cookie("X-Backend-ID", Integer.toString(backendId)).exchange().expectStatus().isOk();
	}

	/**
	 * A MockWebServer backend whose dispatcher decides from where the request arrived.
	 */
	abstract static class ConnectionAwareBackend implements AutoCloseable {

		final MockWebServer server;

		ConnectionAwareBackend() {
			this.server = MockWebServers.start(this::answer);
		}

		abstract MockResponse answer(RecordedRequest request);

		String url() {
			return "http://127.0.0.1:" + this.server.getPort();
		}

		List<RecordedRequest> drain() throws InterruptedException {
			List<RecordedRequest> requests = new ArrayList<>();
			RecordedRequest request;
			while ((request = this.server.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
				requests.add(request);
			}
			return requests;
		}

		static MockResponse ok(String body) {
			return new MockResponse.Builder().code(200).addHeader("Content-Type", "text/plain").body(body).build();
		}

		static MockResponse closeWithoutAnswer() {
			return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
		}

		@Override
		public void close() {
			this.server.close();
		}

	}

	/**
	 * Closes, without answering, every third request arriving on a reused connection, every
	 * request to {@code /drop-on-reused} arriving on one, and every request to
	 * {@code /broken}.
	 */
	static final class RacyBackend extends ConnectionAwareBackend {

		final AtomicInteger reusedRequests = new AtomicInteger();

		final AtomicInteger dropped = new AtomicInteger();

		@Override
		MockResponse answer(RecordedRequest request) {
			String path = request.getUrl().encodedPath();
			boolean reused = request.getExchangeIndex() > 0;
			if (path.equals("/broken") || (reused && (path.equals("/drop-on-reused")
					|| (path.equals("/") && this.reusedRequests.incrementAndGet() % 3 == 0)))) {
				this.dropped.incrementAndGet();
				return closeWithoutAnswer();
			}
			return ok("backend-0");
		}

	}

	/**
	 * Answers the Nth request on each connection with {@code Connection: close}, then
	 * closes it.
	 */
	static final class CloseAfterBackend extends ConnectionAwareBackend {

		final int requestsPerConnection;

		CloseAfterBackend(int requestsPerConnection) {
			this.requestsPerConnection = requestsPerConnection;
		}

		@Override
		MockResponse answer(RecordedRequest request) {
			if (request.getExchangeIndex() + 1 < this.requestsPerConnection) {
				return ok("backend-2");
			}
			return new MockResponse.Builder().code(200)
				.addHeader("Content-Type", "text/plain")
				.addHeader("Connection", "close")
				.body("backend-2")
				.onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
				.build();
		}

	}

	/**
	 * Notes every retry on another backend.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class RetryWitness {

		final Queue<String> retries = new ConcurrentLinkedQueue<>();

		@Bean
		SmartStickObserver retryRecorder() {
			return new SmartStickObserver() {
				@Override
				public void retried(Backend failed, String cause) {
					RetryWitness.this.retries.add(failed.idValue() + ": " + cause);
				}
			};
		}

	}

}
