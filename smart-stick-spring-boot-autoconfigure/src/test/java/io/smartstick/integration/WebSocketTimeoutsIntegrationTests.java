package io.smartstick.integration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.WebSocketBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Time limits of WebSocket upgrades: {@code smartstick.proxy.websocket-idle-timeout} closes
 * a tunnel without traffic on both sides and leaves one with traffic open, and a backend
 * that accepts the connection but never answers the upgrade gets the client a 504 after
 * {@code smartstick.proxy.response-timeout}.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.enabled=false", "smartstick.proxy.websocket-idle-timeout=1s",
				"smartstick.proxy.response-timeout=1s" })
class WebSocketTimeoutsIntegrationTests {

	static final WebSocketBackend backend = new WebSocketBackend("0");

	/** Accepts connections and never answers: drained, only clients sent there by cookie reach it. */
	static final ServerSocket silent = silentServer();

	static final LoopResources clientLoops = LoopResources.create("ws-idle-client", 1, true);

	@LocalServerPort
	int port;

	@Autowired
	BackendRegistry registry;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend::url, 1);
		LoadBalancerTests.backend(properties, 1, 1, () -> "http://127.0.0.1:" + silent.getLocalPort(), 0);
	}

	@AfterAll
	static void stopBackend() {
		clientLoops.disposeLater().block(Duration.ofSeconds(10));
		backend.close();
		try {
			silent.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Test
	void idleTunnelIsClosedOnBothSides() {
		// the client waits for nothing but the end of its connection
		List<String> received = client().handle((in, out) -> in.receive().asString())
			.collectList()
			.block(Duration.ofSeconds(20));
		assertThat(received).isNotEmpty();
		await().atMost(Duration.ofSeconds(10)).until(() -> backend.openSessions() == 0);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.registry.find(0).activeConnections() == 0 && this.registry.find(0).openTunnels() == 0);
	}

	@Test
	void tunnelWithTrafficStaysOpen() {
		// a message every 100 ms for 2 s: ten times more often than the timeout
		List<String> echoes = client().handle((in, out) -> Flux.merge(
				in.receiveFrames().skip(1).take(20).map((frame) -> ((TextWebSocketFrame) frame).text()),
				out.sendObject(Flux.interval(Duration.ofMillis(100))
					.take(20)
					.map((i) -> new TextWebSocketFrame("tick-" + i))).then().cast(String.class)))
			.collectList()
			.block(Duration.ofSeconds(20));
		assertThat(echoes).hasSize(20).startsWith("tick-0").endsWith("tick-19");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.registry.find(0).activeConnections() == 0);
	}

	@Test
	void upgradeTheBackendDoesNotAnswerInTimeGets504() {
		org.springframework.test.web.reactive.server.WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(20))
			.build()
			.get()
			.uri("/ws")
			.cookie("X-Backend-ID", "1")
			.header("Upgrade", "websocket")
			.header("Connection", "Upgrade")
			.header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
			.header("Sec-WebSocket-Version", "13")
			.exchange()
			.expectStatus()
			.isEqualTo(504);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.registry.find(1).activeConnections() == 0);
	}

	private HttpClient.WebsocketSender client() {
		return HttpClient.create(ConnectionProvider.newConnection())
			.runOn(clientLoops)
			.websocket()
			.uri("ws://127.0.0.1:" + this.port + "/ws");
	}

	/**
	 * A listening socket whose connections are accepted by the kernel and never read.
	 */
	private static ServerSocket silentServer() {
		try {
			return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
