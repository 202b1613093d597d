package io.smartstick.integration;

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
 * {@code smartstick.proxy.websocket-idle-timeout}: a tunnel without traffic is closed on
 * both sides, one with traffic stays open.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.enabled=false", "smartstick.proxy.websocket-idle-timeout=1s" })
class WebSocketIdleTimeoutIntegrationTests {

	static final WebSocketBackend backend = new WebSocketBackend("0");

	static final LoopResources clientLoops = LoopResources.create("ws-idle-client", 1, true);

	@LocalServerPort
	int port;

	@Autowired
	BackendRegistry registry;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend::url, 1);
	}

	@AfterAll
	static void stopBackend() {
		clientLoops.disposeLater().block(Duration.ofSeconds(10));
		backend.close();
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

	private HttpClient.WebsocketSender client() {
		return HttpClient.create(ConnectionProvider.newConnection())
			.runOn(clientLoops)
			.websocket()
			.uri("ws://127.0.0.1:" + this.port + "/ws");
	}

}
