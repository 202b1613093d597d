package io.smartstick.integration;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.smartstick.balancer.Pools;
import io.smartstick.fast.EngineChoices;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.WebSocketBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which engine serves a WebSocket upgrade: on the fast engine a fast pool tunnels the
 * upgrades it claims itself, beneath WebFlux, while upgrades that cannot be tunnelled
 * (another protocol, another method) still go to WebFlux and the pool's Gateway route. A
 * {@link WebFilter} of the test's own tells them apart: it sees every request WebFlux
 * serves, so on the fast engine it must not see a tunnelled upgrade, and on the Gateway
 * engine it sees them all. The default run is on the fast engine, the
 * {@code gateway-engine} run on Gateway; what the client gets is the same on both.
 */
@SpringBootTest(classes = { TestApplication.class, FastEngineWebSocketIntegrationTests.SeenByWebFlux.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.enabled=false", "smartstick.engine-ignore-web-filters=true",
				"smartstick.pools.gone.paths=/gone/**",
				// loopback, where the test's clients are, is not a trusted proxy here
				"smartstick.sticky.trusted-proxies=10\\.9\\.8\\.7" })
class FastEngineWebSocketIntegrationTests {

	static final WebSocketBackend backend = new WebSocketBackend("0");

	static final LoopResources clientLoops = LoopResources.create("fast-ws-client", 1, true);

	@LocalServerPort
	int port;

	@Autowired
	EngineChoices engines;

	@Autowired
	Pools pools;

	@Autowired
	SeenByWebFlux seen;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		// the test's WebFilter would make auto pick Gateway: the engine is forced, fast unless the run says otherwise
		properties.add("smartstick.engine", () -> System.getProperty("smartstick.engine", "fast"));
		LoadBalancerTests.backend(properties, 0, 0, backend::url, 1);
		int closed = LoadBalancerTests.closedPort();
		LoadBalancerTests.poolBackend(properties, "gone", 0, 0, () -> "http://127.0.0.1:" + closed);
	}

	@BeforeEach
	void forgetWhatWebFluxSaw() {
		this.seen.upgrades.clear();
	}

	@AfterEach
	void everyTunnelIsReleased() {
		LoadBalancerTests.awaitAllReleased(this.pools::allBackends);
	}

	@AfterAll
	static void stopBackend() {
		clientLoops.disposeLater().block(Duration.ofSeconds(10));
		backend.close();
	}

	@Test
	void theDefaultRunServesThePoolsOnTheFastEngine() {
		boolean gatewayRun = "gateway".equals(System.getProperty("smartstick.engine"));
		assertThat(this.engines.isFast("default")).isEqualTo(!gatewayRun);
		assertThat(this.engines.isFast("gone")).isEqualTo(!gatewayRun);
	}

	@Test
	void webSocketUpgradeIsTunnelledByTheFastEngineItself() {
		AtomicReference<io.netty.handler.codec.http.HttpHeaders> handshake = new AtomicReference<>();
		List<String> received = HttpClient.create(ConnectionProvider.newConnection())
			.runOn(clientLoops)
			.doOnResponse((response, connection) -> handshake.set(response.responseHeaders()))
			.websocket()
			.uri("ws://127.0.0.1:" + this.port + "/ws")
			.handle((in, out) -> Flux.merge(
					in.receiveFrames().take(2).map((frame) -> ((TextWebSocketFrame) frame).text()),
					out.sendObject(Mono.just(new TextWebSocketFrame("ping"))).then().cast(String.class)))
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(received).containsExactly("hello from 0", "ping");
		assertThat(handshake.get().get("x-backend-id")).isEqualTo("0");
		assertThat(handshake.get().get("Set-Cookie")).startsWith("X-Backend-ID=0;");
		assertThat(this.seen.upgrades).as("upgrades WebFlux served")
			.isEqualTo(this.engines.isFast("default") ? List.of() : List.of("GET /ws websocket"));
	}

	@Test
	void upgradeReachesTheBackendWithTheForwardingHeaderPolicyOfAnyRequest() {
		List<String> greeting = HttpClient.create(ConnectionProvider.newConnection())
			.runOn(clientLoops)
			.headers((headers) -> headers.set("X-Forwarded-For", "203.0.113.7")
				.set("Cookie", "X-Backend-ID=0; theme=dark")
				.set("X-Custom", "kept"))
			.websocket()
			.uri("ws://127.0.0.1:" + this.port + "/ws-headers")
			.handle((in, out) -> in.receiveFrames().take(1).map((frame) -> ((TextWebSocketFrame) frame).text()))
			.collectList()
			.block(Duration.ofSeconds(10));
		// the backend's Host, and no forwarding header of an untrusted peer's own
		assertThat(greeting).containsExactly("Host=" + backend.url().substring("http://".length())
				+ " X-Forwarded-For=127.0.0.1 X-Forwarded-Proto=http Cookie=X-Backend-ID=0; theme=dark X-Custom=kept");
	}

	@Test
	void refusedUpgradeIsPassedOnByTheFastEngineItself() {
		client().get()
			.uri("/refuse")
			.headers(FastEngineWebSocketIntegrationTests::webSocketHandshake)
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.valueEquals("x-refused-by", "0")
			.expectHeader()
			.valueEquals("x-backend-id", "0")
			.expectBody(String.class)
			.isEqualTo("no sockets here");
		assertThat(this.seen.upgrades).as("upgrades WebFlux served")
			.isEqualTo(this.engines.isFast("default") ? List.of() : List.of("GET /refuse websocket"));
	}

	@Test
	void upgradeToABackendThatCannotBeReachedGets502ThenNoBackend503() {
		for (int status : new int[] { 502, 503 }) {
			client().get()
				.uri("/gone/ws")
				.headers(FastEngineWebSocketIntegrationTests::webSocketHandshake)
				.exchange()
				.expectStatus()
				.isEqualTo(status)
				.expectHeader()
				.contentType(MediaType.APPLICATION_JSON)
				.expectBody()
				.jsonPath("$.error")
				.isNotEmpty();
		}
		assertThat(this.pools.find("gone").registry().find(0).isHealthy()).as("taken down by passive detection")
			.isFalse();
		assertThat(this.seen.upgrades).as("upgrades WebFlux served")
			.hasSize(this.engines.isFast("gone") ? 0 : 2);
	}

	@Test
	void upgradesThatCannotBeTunnelledAreLeftToWebFluxOnBothEngines() {
		LoadBalancerTests.expectProxiedTo(client().get()
			.uri("/plain")
			.header(HttpHeaders.UPGRADE, "h2c")
			.header(HttpHeaders.CONNECTION, "Upgrade, HTTP2-Settings")
			.header("HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA")
			.exchange(), "0", "backend-0");
		client().post()
			.uri("/ws")
			.headers(FastEngineWebSocketIntegrationTests::webSocketHandshake)
			.bodyValue("not a handshake")
			.exchange()
			.expectStatus()
			.isEqualTo(405);
		assertThat(this.seen.upgrades).containsExactly("GET /plain h2c", "POST /ws websocket");
	}

	private WebTestClient client() {
		return LoadBalancerTests.client(this.port);
	}

	private static void webSocketHandshake(HttpHeaders headers) {
		headers.set(HttpHeaders.UPGRADE, "websocket");
		headers.set(HttpHeaders.CONNECTION, "Upgrade");
		headers.set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
		headers.set("Sec-WebSocket-Version", "13");
	}

	/**
	 * A filter of the application's own: records each request with an {@code Upgrade}
	 * header that WebFlux serves.
	 */
	@Configuration(proxyBeanMethods = false)
	static class SeenByWebFlux {

		final List<String> upgrades = new CopyOnWriteArrayList<>();

		@Bean
		WebFilter upgradeRecorder() {
			return (exchange, chain) -> {
				String upgrade = exchange.getRequest().getHeaders().getUpgrade();
				if (upgrade != null) {
					this.upgrades.add(exchange.getRequest().getMethod().name() + " "
							+ exchange.getRequest().getPath().value() + " " + upgrade);
				}
				return chain.filter(exchange);
			};
		}

	}

}
