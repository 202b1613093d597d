package io.smartstick.integration;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.test.LoadClients;
import io.smartstick.test.StickyRequests;
import io.smartstick.test.TestBackend;
import io.smartstick.test.WebSocketBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code smartstick.*} properties refreshed through Spring Cloud's
 * {@link EnvironmentChangeEvent}, as {@code /actuator/refresh} does: backends added,
 * removed and re-weighted under load without a failed request, an invalid refresh
 * rejected as a whole, and a removed backend's WebSocket kept open until the drain timeout;
 * and once the whole way, an edited configuration file applied by
 * {@code POST /actuator/refresh}.
 */
@ExtendWith(OutputCaptureExtension.class)
class PropertiesRefreshIntegrationTests {

	private final Map<String, Object> properties = new ConcurrentHashMap<>();

	private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

	private ConfigurableApplicationContext context;

	@AfterEach
	void stop() throws Exception {
		if (this.context != null) {
			this.context.close();
		}
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void refreshedPropertiesChangeBackendsUnderLoadWithoutFailedRequests() throws Exception {
		TestBackend a = backend(new TestBackend("a"));
		TestBackend b = backend(new TestBackend("b"));
		TestBackend c = backend(new TestBackend("c"));
		set(0, 0, a.url(), 1);
		set(1, 1, b.url(), 1);
		start();
		BackendRegistry registry = this.context.getBean(BackendRegistry.class);
		WebTestClient client = client();
		String stickyToB = StickyRequests.cookieFor(client, "1", 50);
		try (LoadClients load = new LoadClients(baseUrl(), "X-Backend-ID", 6)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > 50);
			set(0, 0, a.url(), 1);
			set(1, 2, c.url(), 4);
			refresh();
			assertThat(registry.find(1)).isNull();
			await().atMost(Duration.ofSeconds(10)).until(() -> registry.find(2).isHealthy());
			EntityExchangeResult<String> moved = StickyRequests.get(client, stickyToB);
			assertThat(moved.getResponseHeaders().getFirst("x-backend-id")).isIn("0", "2");
			assertThat(moved.getResponseCookies().getFirst("X-Backend-ID").getValue()).isNotEqualTo(stickyToB);
			int toC = 0;
			int total = 200;
			for (int i = 0; i < total; i++) {
				if ("2".equals(StickyRequests.get(client, null).getResponseHeaders().getFirst("x-backend-id"))) {
					toC++;
				}
			}
			assertThat(toC / (double) total).isBetween(0.65, 0.95);
			long before = load.requests();
			await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > before + 50);
			load.close();
			assertThat(load.failures()).isEmpty();
		}
	}

	@Test
	void refreshEndpointAppliesAnEditedConfigurationFile(@TempDir Path dir) throws IOException {
		// the whole way a user takes: edit the application's configuration, POST /actuator/refresh
		TestBackend a = backend(new TestBackend("a"));
		TestBackend b = backend(new TestBackend("b"));
		Path file = dir.resolve("load-balancer.properties");
		Files.writeString(file, "smartstick.backends[0].id=0\nsmartstick.backends[0].url=" + a.url() + "\n");
		this.context = new SpringApplicationBuilder(TestApplication.class).run("--server.port=0",
				"--spring.main.banner-mode=off", "--spring.config.import=optional:file:" + file,
				"--management.endpoints.web.exposure.include=refresh", "--smartstick.health.interval=200ms");
		BackendRegistry registry = this.context.getBean(BackendRegistry.class);
		assertThat(registry.all()).hasSize(1);
		Files.writeString(file, "smartstick.backends[0].id=0\nsmartstick.backends[0].url=" + a.url() + "\n"
				+ "smartstick.backends[1].id=1\nsmartstick.backends[1].url=" + b.url() + "\n");
		client().post()
			.uri("/actuator/refresh")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((changed) -> assertThat(changed).contains("smartstick.backends[1].url"));
		assertThat(registry.find(1)).isNotNull();
		assertThat(registry.find(1).url().toString()).isEqualTo(b.url());
		await().atMost(Duration.ofSeconds(10)).until(() -> registry.find(1).isHealthy());
		assertThat(StickyRequests.get(client(), "1").getResponseHeaders().getFirst("x-backend-id")).isEqualTo("1");
	}

	@Test
	void invalidRefreshIsRejectedAsAWhole(CapturedOutput output) {
		TestBackend a = backend(new TestBackend("a"));
		TestBackend b = backend(new TestBackend("b"));
		set(0, 0, a.url(), 1);
		set(1, 1, b.url(), 1);
		start();
		BackendRegistry registry = this.context.getBean(BackendRegistry.class);
		set(0, 0, a.url(), 5);
		set(1, 1, "ftp://nowhere", 1);
		refresh();
		assertThat(output.getOut()).contains("Rejected the configuration changed by refreshed smartstick.* properties")
			.contains("smartstick.backends[1].url");
		assertThat(registry.find(0).weight()).as("nothing half applied").isEqualTo(1);
		assertThat(registry.find(1).url().toString()).isEqualTo(b.url());
		StickyRequests.get(client(), null);
	}

	@Test
	void removedBackendsWebSocketStaysOpenUntilTheDrainTimeout() {
		WebSocketBackend ws = backend(new WebSocketBackend("w"));
		TestBackend other = backend(new TestBackend("other"));
		set(0, 0, ws.url(), 1);
		this.properties.put("smartstick.drain-timeout", "2s");
		start();
		BackendRegistry registry = this.context.getBean(BackendRegistry.class);
		Backend removed = registry.find(0);
		LoopResources loops = LoopResources.create("refresh-ws-client", 1, true);
		this.closeables.add(() -> loops.disposeLater().block(Duration.ofSeconds(10)));
		ReactorNettyWebSocketClient wsClient = new ReactorNettyWebSocketClient(
				HttpClient.create(ConnectionProvider.newConnection()).runOn(loops));
		List<String> received = new CopyOnWriteArrayList<>();
		Sinks.Many<String> outgoing = Sinks.many().unicast().onBackpressureBuffer();
		Sinks.Empty<Void> closed = Sinks.empty();
		Disposable session = wsClient
			.execute(URI.create("ws://127.0.0.1:" + port() + "/ws"), new HttpHeaders(),
					(s) -> s.send(outgoing.asFlux().map(s::textMessage))
						.and(s.receive().map(WebSocketMessage::getPayloadAsText).doOnNext(received::add)))
			.doFinally((signal) -> closed.tryEmitEmpty())
			.subscribe();
		this.closeables.add(session::dispose);
		await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("hello from w"));
		set(0, 1, other.url(), 1);
		refresh();
		assertThat(registry.find(0)).isNull();
		outgoing.tryEmitNext("still there");
		await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("still there"));
		assertThat(removed.retired()).isFalse();
		closed.asMono().block(Duration.ofSeconds(15));
		assertThat(removed.retired()).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> removed.openTunnels() == 0);
	}

	private <T extends AutoCloseable> T backend(T backend) {
		this.closeables.add(backend);
		return backend;
	}

	private void set(int index, int id, String url, int weight) {
		this.properties.put("smartstick.backends[" + index + "].id", String.valueOf(id));
		this.properties.put("smartstick.backends[" + index + "].url", url);
		this.properties.put("smartstick.backends[" + index + "].weight", String.valueOf(weight));
	}

	private void start() {
		this.properties.put("smartstick.health.interval", "200ms");
		this.context = new SpringApplicationBuilder(TestApplication.class)
			.initializers((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("refreshable", this.properties)))
			.run("--server.port=0", "--spring.main.banner-mode=off");
	}

	private void refresh() {
		this.context.publishEvent(new EnvironmentChangeEvent(this.context, Set.copyOf(this.properties.keySet())));
	}

	private int port() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	private String baseUrl() {
		return "http://127.0.0.1:" + port();
	}

	private WebTestClient client() {
		return WebTestClient.bindToServer().baseUrl(baseUrl()).responseTimeout(Duration.ofSeconds(10)).build();
	}

}
