package io.smartstick.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.integration.TestApplication;
import io.smartstick.test.LoadClients;
import io.smartstick.test.StickyRequests;
import io.smartstick.test.TestBackend;
import io.smartstick.test.ZooKeeperRegistry;
import org.apache.curator.x.discovery.ServiceInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pool discovered through Spring Cloud Zookeeper against a real ZooKeeper server
 * started by the test: instances registering, deregistering under load and going out of
 * service, smart-stick restarting, and two smart-stick instances sharing a secret.
 */
class ZooKeeperDiscoveryIntegrationTests {

	private static final String SERVICE = "shop";

	private static final String COOKIE = "X-Backend-ID";

	static ZooKeeperRegistry zookeeper;

	private final List<AutoCloseable> resources = new ArrayList<>();

	@BeforeAll
	static void startZooKeeper() {
		zookeeper = new ZooKeeperRegistry();
	}

	@AfterAll
	static void stopZooKeeper() throws Exception {
		zookeeper.close();
	}

	@AfterEach
	void stop() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@Test
	void registeredInstanceTakesNewClientsAfterItsFirstHealthCheck() {
		String service = SERVICE + "-register";
		TestBackend a = backend("a");
		register(service, a, Map.of());
		ConfigurableApplicationContext context = start(service);
		BackendRegistry registry = context.getBean(BackendRegistry.class);
		assertThat(registry.all()).hasSize(1);
		TestBackend b = backend("b");
		register(service, b, Map.of("smartstick.weight", "3", "smartstick.health-path", "/ready"));
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			Backend added = find(registry, b);
			// never available before a health check passed
			assertThat(added == null || added.health().lastChecked() != null
					|| !registry.available().contains(added)).isTrue();
			return added != null && added.isHealthy();
		});
		Backend added = find(registry, b);
		assertThat(added.weight()).isEqualTo(3);
		assertThat(added.healthSettings().path()).isEqualTo("/ready");
		assertThat(added.idValue()).startsWith("i").doesNotContain("127.0.0.1");
		WebTestClient client = client(context);
		int toB = 0;
		for (int i = 0; i < 40; i++) {
			if (added.idValue().equals(StickyRequests.get(client, null).getResponseHeaders().getFirst("x-backend-id"))) {
				toB++;
			}
		}
		assertThat(toB).isBetween(20, 40);
	}

	@Test
	void deregisteredInstanceUnderLoadFailsNoRequestAndItsClientsMoveWithANewCookie() throws Exception {
		String service = SERVICE + "-deregister";
		TestBackend a = backend("a");
		TestBackend b = backend("b");
		ServiceInstance<ZookeeperInstance> leaving = register(service, a, Map.of());
		register(service, b, Map.of());
		ConfigurableApplicationContext context = start(service, "--smartstick.sticky.secret=s3cret");
		BackendRegistry registry = context.getBean(BackendRegistry.class);
		WebTestClient client = client(context);
		String keyA = find(registry, a).idValue();
		String stickyToA = StickyRequests.cookieFor(client, keyA, 50);
		try (LoadClients load = new LoadClients(baseUrl(context), COOKIE, 6)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > 50);
			zookeeper.deregister(leaving);
			await().atMost(Duration.ofSeconds(20)).until(() -> find(registry, a) == null);
			EntityExchangeResult<String> moved = StickyRequests.get(client, stickyToA);
			assertThat(moved.getResponseHeaders().getFirst("x-backend-id")).isEqualTo(find(registry, b).idValue());
			assertThat(moved.getResponseCookies().getFirst(COOKIE).getValue()).isNotEqualTo(stickyToA);
			long before = load.requests();
			await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > before + 50);
			load.close();
			assertThat(load.failures()).isEmpty();
			assertThat(load.servedBy(keyA)).isPositive();
		}
	}

	@Test
	void instanceOutOfServiceTakesNoNewClientsButKeepsItsStickyOnes() {
		String service = SERVICE + "-out";
		TestBackend a = backend("a");
		TestBackend b = backend("b");
		ServiceInstance<ZookeeperInstance> resting = register(service, a, Map.of());
		register(service, b, Map.of());
		ConfigurableApplicationContext context = start(service);
		BackendRegistry registry = context.getBean(BackendRegistry.class);
		WebTestClient client = client(context);
		String keyA = find(registry, a).idValue();
		String stickyToA = StickyRequests.cookieFor(client, keyA, 50);
		zookeeper.update(resting, Map.of("instance_status", "OUT_OF_SERVICE"));
		await().atMost(Duration.ofSeconds(20)).until(() -> !find(registry, a).serving());
		for (int i = 0; i < 20; i++) {
			assertThat(StickyRequests.get(client, null).getResponseHeaders().getFirst("x-backend-id")).isNotEqualTo(keyA);
		}
		EntityExchangeResult<String> kept = StickyRequests.get(client, stickyToA);
		assertThat(kept.getResponseHeaders().getFirst("x-backend-id")).isEqualTo(keyA);
		assertThat(kept.getResponseCookies().getFirst(COOKIE)).isNull();
	}

	@Test
	void cookiesIssuedBeforeARestartStillPin() {
		String service = SERVICE + "-restart";
		TestBackend a = backend("a");
		TestBackend b = backend("b");
		register(service, a, Map.of());
		register(service, b, Map.of());
		ConfigurableApplicationContext first = start(service, "--smartstick.sticky.secret=s3cret");
		String keyB = find(first.getBean(BackendRegistry.class), b).idValue();
		String stickyToB = StickyRequests.cookieFor(client(first), keyB, 50);
		assertThat(stickyToB).startsWith("~").doesNotContain(keyB);
		first.close();
		ConfigurableApplicationContext second = start(service, "--smartstick.sticky.secret=s3cret");
		for (int i = 0; i < 5; i++) {
			EntityExchangeResult<String> result = StickyRequests.get(client(second), stickyToB);
			assertThat(result.getResponseHeaders().getFirst("x-backend-id")).isEqualTo(keyB);
			assertThat(result.getResponseCookies().getFirst(COOKIE)).isNull();
		}
	}

	@Test
	void twoInstancesSharingSecretAndRegistryHonourEachOthersCookiesThroughARotation() {
		String service = SERVICE + "-shared";
		TestBackend a = backend("a");
		TestBackend b = backend("b");
		register(service, a, Map.of());
		register(service, b, Map.of());
		ConfigurableApplicationContext one = start(service, "--smartstick.sticky.secrets=old");
		ConfigurableApplicationContext two = start(service, "--smartstick.sticky.secrets=old");
		String keyA = find(one.getBean(BackendRegistry.class), a).idValue();
		assertThat(find(two.getBean(BackendRegistry.class), a).idValue()).isEqualTo(keyA);
		String stickyToA = StickyRequests.cookieFor(client(one), keyA, 50);
		assertPinned(client(two), stickyToA, keyA);
		one.close();
		two.close();
		one = start(service, "--smartstick.sticky.secrets=new,old");
		two = start(service, "--smartstick.sticky.secrets=new,old");
		// still pinned, and the cookie is signed again with the new secret
		EntityExchangeResult<String> resigned = StickyRequests.get(client(one), stickyToA);
		assertThat(resigned.getResponseHeaders().getFirst("x-backend-id")).isEqualTo(keyA);
		String signedWithNew = resigned.getResponseCookies().getFirst(COOKIE).getValue();
		assertThat(signedWithNew).isNotEqualTo(stickyToA);
		assertThat(StickyRequests.get(client(two), stickyToA).getResponseHeaders().getFirst("x-backend-id")).isEqualTo(keyA);
		assertPinned(client(two), signedWithNew, keyA);
		assertPinned(client(one), signedWithNew, keyA);
	}

	private void assertPinned(WebTestClient client, String cookie, String key) {
		for (int i = 0; i < 5; i++) {
			EntityExchangeResult<String> result = StickyRequests.get(client, cookie);
			assertThat(result.getResponseHeaders().getFirst("x-backend-id")).isEqualTo(key);
			assertThat(result.getResponseCookies().getFirst(COOKIE)).isNull();
		}
	}

	private TestBackend backend(String name) {
		TestBackend backend = new TestBackend(name);
		this.resources.add(backend);
		return backend;
	}

	private ServiceInstance<ZookeeperInstance> register(String service, TestBackend backend,
			Map<String, String> metadata) {
		ServiceInstance<ZookeeperInstance> instance = zookeeper.register(service, backend.port(), metadata);
		this.resources.add(() -> {
			try {
				zookeeper.deregister(instance);
			}
			catch (IllegalStateException ex) {
				// deregistered by the test already
			}
		});
		return instance;
	}

	private ConfigurableApplicationContext start(String service, String... more) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off",
				"--spring.cloud.zookeeper.enabled=true",
				"--spring.cloud.zookeeper.connect-string=" + zookeeper.connectString(),
				"--spring.cloud.zookeeper.discovery.register=false", "--smartstick.discovery.service-id=" + service,
				"--smartstick.discovery.refresh-interval=300ms", "--smartstick.health.interval=200ms"));
		args.addAll(List.of(more));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.run(args.toArray(String[]::new));
		this.resources.add(context::close);
		return context;
	}

	private static Backend find(BackendRegistry registry, TestBackend backend) {
		return registry.all().stream().filter((candidate) -> candidate.getPort() == backend.port()).findFirst()
			.orElse(null);
	}

	private static String baseUrl(ConfigurableApplicationContext context) {
		return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private static WebTestClient client(ConfigurableApplicationContext context) {
		return WebTestClient.bindToServer().baseUrl(baseUrl(context)).responseTimeout(Duration.ofSeconds(10)).build();
	}

}
