package io.smartstick.integration;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.smartstick.balancer.Pools;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import io.smartstick.test.WebSocketBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A WebSocket upgrade claimed by a pool goes through that pool's route: its Gateway
 * filters, its backend, its cookie and its counts.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.enabled=false", "smartstick.pools.chat.paths=/chat/**",
				"smartstick.pools.chat.filters[0]=StripPrefix=1" })
class PoolWebSocketIntegrationTests {

	static final TestBackend web = new TestBackend("web");

	static final WebSocketBackend chat = new WebSocketBackend("chat-0");

	static final LoopResources clientLoops = LoopResources.create("pool-ws-test-client", 1, true);

	final ReactorNettyWebSocketClient client = new ReactorNettyWebSocketClient(
			HttpClient.create(ConnectionProvider.newConnection()).runOn(clientLoops));

	@LocalServerPort
	int port;

	@Autowired
	Pools pools;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, web::url, 1);
		LoadBalancerTests.poolBackend(properties, "chat", 0, 0, chat::url);
	}

	@AfterAll
	static void stop() {
		clientLoops.disposeLater().block(Duration.ofSeconds(10));
		web.close();
		chat.close();
	}

	@Test
	void upgradeClaimedByAPoolIsTunnelledToItsBackendWithItsCookie() {
		AtomicReference<HandshakeInfo> handshake = new AtomicReference<>();
		List<String> received = new CopyOnWriteArrayList<>();
		this.client.execute(URI.create("ws://127.0.0.1:" + this.port + "/chat/ws"), new HttpHeaders(), (session) -> {
			handshake.set(session.getHandshakeInfo());
			return session.send(reactor.core.publisher.Mono.just(session.textMessage("hi")))
				.thenMany(session.receive().map((message) -> message.getPayloadAsText()).take(2))
				.doOnNext(received::add)
				.then();
		}).block(Duration.ofSeconds(10));
		assertThat(received).containsExactly("hello from chat-0", "hi");
		HttpHeaders headers = handshake.get().getHeaders();
		assertThat(headers.getFirst("x-backend-id")).isEqualTo("0");
		assertThat(headers.getFirst(HttpHeaders.SET_COOKIE)).startsWith("X-Backend-ID-chat=0;");
		assertThat(this.pools.find("chat").registry().find(0).requests()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.pools.find("chat").registry().find(0).activeConnections() == 0);
		assertThat(web.requestCount()).as("the default pool saw nothing").isZero();
	}

}
