package io.smartstick.integration;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.smartstick.balancer.BackendRegistry;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.WebSocketBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WebSocket sessions through the balancer with real WebSocket peers on both ends.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.interval=1h" })
class WebSocketIntegrationTests {

	static final WebSocketBackend backend0 = new WebSocketBackend("0");

	static final WebSocketBackend backend1 = new WebSocketBackend("1");

	/** Drained: only clients sent there by cookie reach it; one test kills it. */
	static final WebSocketBackend doomed = new WebSocketBackend("2");

	@LocalServerPort
	int port;

	@Autowired
	BackendRegistry registry;

	/**
	 * The client's own event loop: other test contexts closing in the same JVM may dispose
	 * Reactor Netty's global resources under a client that shares them.
	 */
	static final reactor.netty.resources.LoopResources clientLoops = reactor.netty.resources.LoopResources
		.create("ws-test-client", 1, true);

	final ReactorNettyWebSocketClient client = new ReactorNettyWebSocketClient(reactor.netty.http.client.HttpClient
		.create(reactor.netty.resources.ConnectionProvider.newConnection())
		.runOn(clientLoops));

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend0::url, 1);
		LoadBalancerTests.backend(properties, 1, 1, backend1::url, 1);
		LoadBalancerTests.backend(properties, 2, 2, doomed::url, 0);
	}

	@org.junit.jupiter.api.AfterEach
	void everySessionIsReleased() {
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.registry.all())
				.allSatisfy((backend) -> assertThat(backend.activeConnections()).as("backend %s", backend.idValue())
					.isZero()));
	}

	@AfterAll
	static void stopBackends() {
		clientLoops.disposeLater().block(Duration.ofSeconds(10));
		backend0.close();
		backend1.close();
		doomed.close();
	}

	@Test
	void framesFlowBothWaysAndTheHandshakeCarriesStickiness() {
		AtomicReference<HandshakeInfo> handshake = new AtomicReference<>();
		List<String> received = session(null, (session) -> {
			handshake.set(session.getHandshakeInfo());
			return session
				.send(Flux.just(session.textMessage("ping-1"),
						session.binaryMessage((factory) -> factory.wrap(new byte[] { 1, 2, 3 })),
						session.textMessage("ping-2")))
				.thenMany(session.receive().map(WebSocketIntegrationTests::describe).take(4));
		});
		HttpHeaders headers = handshake.get().getHeaders();
		String backendId = headers.getFirst("x-backend-id");
		assertThat(backendId).isIn("0", "1");
		assertThat(headers.getFirst(HttpHeaders.SET_COOKIE)).startsWith("X-Backend-ID=" + backendId + ";");
		assertThat(received).containsExactly("hello from " + backendId, "text:ping-1", "binary:1,2,3", "text:ping-2");
		List<String> again = session(backendId,
				(session) -> session.receive().map(WebSocketIntegrationTests::describe).take(1));
		assertThat(again).containsExactly("hello from " + backendId);
	}

	@Test
	void pingIsAnsweredWithPongThroughTheBalancer() {
		List<String> received = session("1",
				(session) -> session.send(Mono.just(session.pingMessage((factory) -> factory.wrap(new byte[] { 7 }))))
					.thenMany(session.receive()
						.filter((message) -> message.getType() == WebSocketMessage.Type.PONG)
						.map((message) -> "pong")
						.take(1)));
		assertThat(received).containsExactly("pong");
	}

	@Test
	void responseStillStreamingItsBodyCountsAsActive() {
		// the backend sends its headers at once and its body 1.5 s later: the request stays in flight
		// until the body is through, not just until the backend's headers arrive
		reactor.core.Disposable request = org.springframework.web.reactive.function.client.WebClient
			.create("http://127.0.0.1:" + this.port)
			.get()
			.uri("/slowbody?ms=1500")
			.cookie("X-Backend-ID", "1")
			.retrieve()
			.bodyToMono(String.class)
			.subscribe();
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.registry.find(1).activeConnections() == 1);
			await().during(Duration.ofMillis(700))
				.atMost(Duration.ofSeconds(1))
				.until(() -> this.registry.find(1).activeConnections() == 1);
			await().atMost(Duration.ofSeconds(10)).until(() -> this.registry.find(1).activeConnections() == 0);
		}
		finally {
			request.dispose();
		}
	}

	@Test
	void openSocketCountsAsActiveConnectionUntilItCloses() {
		Sinks.Empty<Void> release = Sinks.empty();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		reactor.core.Disposable open = this.client
			.execute(uri(), cookie("1"), (session) -> session.receive().takeUntilOther(release.asMono()).then())
			.subscribe(null, failure::set);
		try {
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(failure.get()).as("client failure").isNull();
				assertThat(this.registry.find(1).activeConnections()).isEqualTo(1);
			});
		}
		finally {
			release.tryEmitEmpty();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.registry.find(1).activeConnections() == 0);
		open.dispose();
	}

	@Test
	void closeCodeFromTheBackendReachesTheClient() {
		AtomicReference<CloseStatus> status = new AtomicReference<>();
		session("0", (session) -> session.send(Mono.just(session.textMessage("close:4001")))
			.thenMany(session.receive().map(WebSocketIntegrationTests::describe))
			.doOnComplete(() -> session.closeStatus().subscribe(status::set)));
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status.get()).isNotNull());
		assertThat(status.get().getCode()).isEqualTo(4001);
	}

	@Test
	void backendDeathClosesTheClientSocketPromptly() {
		Sinks.One<String> greeted = Sinks.one();
		Mono<List<String>> session = this.client.execute(uri(), cookie("2"), (ws) -> ws.receive()
			.map(WebSocketIntegrationTests::describe)
			.doOnNext(greeted::tryEmitValue)
			.then())
			.then(Mono.just(List.of("closed")));
		Mono<List<String>> running = session.cache();
		running.subscribe();
		assertThat(greeted.asMono().block(Duration.ofSeconds(5))).isEqualTo("hello from 2");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.registry.find(2).activeConnections() == 1);
		doomed.close();
		assertThat(running.block(Duration.ofSeconds(5))).containsExactly("closed");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.registry.find(2).activeConnections() == 0);
	}

	@Test
	void refusedUpgradeIsPassedThrough() {
		org.springframework.test.web.reactive.server.WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.build()
			.get()
			.uri("/refuse")
			.cookie("X-Backend-ID", "0")
			.header(HttpHeaders.UPGRADE, "websocket")
			.header(HttpHeaders.CONNECTION, "Upgrade")
			.header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
			.header("Sec-WebSocket-Version", "13")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.valueEquals("x-refused-by", "0")
			.expectBody(String.class)
			.isEqualTo("no sockets here");
	}

	private List<String> session(String cookie,
			java.util.function.Function<org.springframework.web.reactive.socket.WebSocketSession, Flux<String>> logic) {
		List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
		this.client
			.execute(uri(), cookie(cookie), (session) -> logic.apply(session).doOnNext(received::add).then())
			.block(Duration.ofSeconds(10));
		return received;
	}

	private URI uri() {
		return URI.create("ws://127.0.0.1:" + this.port + "/ws");
	}

	private static HttpHeaders cookie(String backendId) {
		HttpHeaders headers = new HttpHeaders();
		if (backendId != null) {
			headers.add(HttpHeaders.COOKIE, "X-Backend-ID=" + backendId);
		}
		return headers;
	}

	private static String describe(WebSocketMessage message) {
		if (message.getType() == WebSocketMessage.Type.BINARY) {
			byte[] bytes = new byte[message.getPayload().readableByteCount()];
			message.getPayload().read(bytes);
			StringBuilder text = new StringBuilder("binary:");
			for (int i = 0; i < bytes.length; i++) {
				text.append((i > 0) ? "," : "").append(bytes[i]);
			}
			return text.toString();
		}
		String text = message.getPayloadAsText(StandardCharsets.UTF_8);
		return text.startsWith("hello from") ? text : "text:" + text;
	}

}
