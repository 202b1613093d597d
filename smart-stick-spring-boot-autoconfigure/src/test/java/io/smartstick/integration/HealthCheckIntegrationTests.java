package io.smartstick.integration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.smartstick.autoconfigure.SmartStickAutoConfiguration;
import io.smartstick.autoconfigure.SmartStickHealthAutoConfiguration;
import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.config.ConfigurationViolation;
import io.smartstick.config.InvalidConfigurationException;
import io.smartstick.health.BackendStateChangedEvent;
import io.smartstick.health.HealthCheck;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.MockWebServers;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end behaviour of active health checks against real backends: what decides a
 * backend's health, what the probe sends, timeouts, custom checks, state change events
 * and recovery, as seen through the status endpoint, the registry and the backends.
 */
class HealthCheckIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void unknownCheckNameInGlobalSettingFailsStartup() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SmartStickAutoConfiguration.class,
					SmartStickHealthAutoConfiguration.class))
			.withPropertyValues("smartstick.backends[0].id=0", "smartstick.backends[0].url=http://127.0.0.1:5000",
					"smartstick.health.check=noSuchCheck")
			.run((context) -> assertThat(violations(context)).singleElement().satisfies((violation) -> {
				assertThat(violation.property()).isEqualTo("smartstick.health.check");
				assertThat(violation.value()).isEqualTo("noSuchCheck");
				assertThat(violation.problem()).contains("does not name a HealthCheck bean");
			}));
	}

	@Test
	void unknownCheckNameOfABackendFailsStartup() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SmartStickAutoConfiguration.class,
					SmartStickHealthAutoConfiguration.class))
			.withBean("myCheck", HealthCheck.class, () -> (backend) -> Mono.just(true))
			.withPropertyValues("smartstick.backends[0].id=0", "smartstick.backends[0].url=http://127.0.0.1:5000",
					"smartstick.backends[0].health-check=myChek", "smartstick.backends[1].id=1",
					"smartstick.backends[1].url=http://127.0.0.1:5001", "smartstick.backends[1].health-check=myCheck")
			.run((context) -> assertThat(violations(context)).singleElement().satisfies((violation) -> {
				assertThat(violation.property()).isEqualTo("smartstick.backends[0].health-check");
				assertThat(violation.value()).isEqualTo("myChek");
				assertThat(violation.problem()).contains("does not name a HealthCheck bean").contains("myCheck");
			}));
	}

	private static List<ConfigurationViolation> violations(AssertableApplicationContext context) {
		Throwable failure = context.getStartupFailure();
		assertThat(failure).as("start-up failure").isNotNull();
		Throwable cause = failure;
		while (cause != null && !(cause instanceof InvalidConfigurationException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("cause of %s", failure).isInstanceOf(InvalidConfigurationException.class);
		return ((InvalidConfigurationException) cause).getViolations();
	}

	/**
	 * The built-in HTTP check against four backends: backend 0 with the global settings,
	 * backend 1 with its own path, method, algorithm and headers, backend 2 with the
	 * global settings, and backend 3 to be stopped.
	 */
	@Nested
	@SpringBootTest(classes = { TestApplication.class, HttpChecks.Events.class },
			webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { "smartstick.health.interval=300ms", "smartstick.health.timeout=150ms",
					"smartstick.health.path=/health", "smartstick.health.headers[X-Global]=g" })
	@DirtiesContext
	class HttpChecks extends RunningApp {

		static final HealthServer backend0 = new HealthServer("0", "/health");

		static final HealthServer backend1 = new HealthServer("1", "/ready");

		static final HealthServer backend2 = new HealthServer("2", "/health");

		static final HealthServer backend3 = new HealthServer("3", "/health");

		@Autowired
		EventLog events;

		@DynamicPropertySource
		static void backends(DynamicPropertyRegistry properties) {
			LoadBalancerTests.backend(properties, 0, 0, backend0::url, 1);
			LoadBalancerTests.backend(properties, 1, 1, backend1::url, 1);
			properties.add("smartstick.backends[1].health-path", () -> "/ready");
			properties.add("smartstick.backends[1].health-method", () -> "HEAD");
			properties.add("smartstick.backends[1].health-algorithm", () -> "http");
			properties.add("smartstick.backends[1].health-headers[X-Health-Token]", () -> "abc");
			LoadBalancerTests.backend(properties, 2, 2, backend2::url, 1);
			LoadBalancerTests.backend(properties, 3, 3, backend3::url, 1);
		}

		@AfterAll
		static void stopBackends() {
			backend0.close();
			backend1.close();
			backend2.close();
			backend3.close();
		}

		@BeforeEach
		void backendsHealthy() {
			backend0.answerHealth(200);
			backend1.answerHealth(200);
			backend2.answerHealth(200);
			for (int id = 0; id < 3; id++) {
				awaitHealthy(id, true);
			}
			this.events.clear();
		}

		@Test
		void serverErrorIsDownUnderHttpStatusAndUpUnderHttp() {
			int probesOfOne = backend1.probes();
			backend0.answerHealth(500);
			backend1.answerHealth(500);
			awaitHealthy(0, false);
			assertThat(this.registry.find(0).health().cause()).isEqualTo("HTTP 500 from /health");
			await().atMost(WAIT).until(() -> backend1.probes() >= probesOfOne + 2);
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(this.registry.find(1).health().cause())
					.isEqualTo("HTTP 500 from /ready"));
			assertThat(status(1).get("healthy").asBoolean()).isTrue();
			assertThat(this.events.of(1)).isEmpty();
			assertThat(this.events.of(0)).singleElement()
				.satisfies((event) -> assertThat(event.getCause()).isEqualTo("HTTP 500 from /health"));
		}

		@Test
		void probeUsesEachBackendsPathMethodAndHeaders() throws InterruptedException {
			RecordedRequest global = backend0.takeHealthProbe();
			assertThat(global.getMethod()).isEqualTo("GET");
			assertThat(global.getTarget()).isEqualTo("/health");
			assertThat(global.getHeaders().get("X-Global")).isEqualTo("g");
			assertThat(global.getHeaders().get("X-Health-Token")).isNull();
			RecordedRequest own = backend1.takeHealthProbe();
			assertThat(own.getMethod()).isEqualTo("HEAD");
			assertThat(own.getTarget()).isEqualTo("/ready");
			assertThat(own.getHeaders().get("X-Health-Token")).isEqualTo("abc");
			assertThat(own.getHeaders().get("X-Global")).as("per-backend headers replace the global ones").isNull();
		}

		@Test
		void slowBackendTimesOutAndIsDownWhileTheOthersAreCheckedOnSchedule() {
			backend0.answerHealthAfter(Duration.ofSeconds(1));
			backend2.answerHealthAfter(Duration.ofSeconds(1));
			awaitHealthy(0, false);
			awaitHealthy(2, false);
			assertThat(this.registry.find(0).health().cause()).isEqualTo("timeout after 150 ms");
			// rounds go on while backend 0 hangs: both keep being probed (exact timing is covered in virtual
			// time by HealthCheckSchedulerTests, wall-clock gaps are too noisy on a shared machine)
			int from1 = backend1.probes();
			int from0 = backend0.probes();
			await().atMost(WAIT).until(() -> backend1.probes() >= from1 + 4 && backend0.probes() >= from0 + 3);
			assertThat(status(1).get("healthy").asBoolean()).isTrue();
			assertThat(this.registry.find(1).health().cause()).isEqualTo("HTTP 200 from /ready");
			assertThat(this.registry.find(0).health().cause()).isEqualTo("timeout after 150 ms");
		}

		@Test
		void stateChangesArePublishedOncePerTransition() {
			String checkedBefore = status(0).get("lastChecked").asString();
			backend0.answerHealth(503);
			awaitHealthy(0, false);
			awaitProbes(backend0, 3);
			assertThat(this.events.of(0)).singleElement().satisfies((event) -> {
				assertThat(event.wasHealthy()).isTrue();
				assertThat(event.isHealthy()).isFalse();
				assertThat(event.getCause()).isEqualTo("HTTP 503 from /health");
				assertThat(event.getBackend()).isSameAs(this.registry.find(0));
			});
			backend0.answerHealth(200);
			awaitHealthy(0, true);
			awaitProbes(backend0, 3);
			assertThat(this.events.of(0)).extracting(BackendStateChangedEvent::isHealthy).containsExactly(false, true);
			assertThat(this.events.of(0).get(1).getCause()).isEqualTo("HTTP 200 from /health");
			assertThat(this.events.all()).allSatisfy((event) -> assertThat(event.getBackend().id()).isZero());
			assertThat(status(0).get("lastChecked").asString()).isGreaterThan(checkedBefore);
		}

		@Test
		void stoppedBackendIsDownAndGetsNoNewClients() {
			backend3.close();
			awaitHealthy(3, false);
			assertThat(this.registry.find(3).health().cause())
				// a probe may be under way when the server goes away
				.isIn("connection refused", "connection closed before a response");
			assertThat(this.events.of(3)).singleElement()
				.satisfies((event) -> assertThat(event.isHealthy()).isFalse());
			for (int i = 0; i < 8; i++) {
				assertThat(get(null).getResponseHeaders().getFirst("x-backend-id")).isNotEqualTo("3");
			}
		}

		@Test
		void recoveredBackendTakesNewClientsWhileMovedClientsStayWhereTheyAre() {
			assertThat(get("0").getResponseBody()).isEqualTo("backend-0");
			backend0.answerHealth(503);
			awaitHealthy(0, false);
			EntityExchangeResult<String> moved = get("0");
			String newBackend = moved.getResponseHeaders().getFirst("x-backend-id");
			assertThat(newBackend).isNotEqualTo("0");
			assertThat(moved.getResponseCookies().getFirst("X-Backend-ID").getValue()).isEqualTo(newBackend);
			for (int i = 0; i < 6; i++) {
				assertThat(get(null).getResponseHeaders().getFirst("x-backend-id")).isNotEqualTo("0");
			}
			backend0.answerHealth(200);
			awaitHealthy(0, true);
			for (int i = 0; i < 3; i++) {
				EntityExchangeResult<String> next = get(newBackend);
				assertThat(next.getResponseBody()).isEqualTo("backend-" + newBackend);
				assertThat(next.getResponseCookies().get("X-Backend-ID")).isNull();
			}
			Set<String> assigned = new HashSet<>();
			for (int i = 0; i < 6; i++) {
				assigned.add(get(null).getResponseCookies().getFirst("X-Backend-ID").getValue());
			}
			assertThat(assigned).contains("0");
		}

		private void awaitProbes(HealthServer backend, int count) {
			int from = backend.probes();
			await().atMost(WAIT).until(() -> backend.probes() >= from + count);
		}

		@TestConfiguration(proxyBeanMethods = false)
		static class Events {

			@Bean
			EventLog eventLog() {
				return new EventLog();
			}

		}

	}

	/**
	 * Custom checks chosen per backend by bean name: backend 0 by a switchable check,
	 * backend 1 by one that throws, backend 2 by the built-in HTTP check, the default when
	 * more than one HealthCheck bean is defined.
	 */
	@Nested
	@SpringBootTest(classes = { TestApplication.class, CustomChecks.Checks.class },
			webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { "smartstick.health.interval=200ms", "smartstick.health.timeout=150ms",
					"smartstick.health.path=/health" })
	@DirtiesContext
	class CustomChecks extends RunningApp {

		static final HealthServer backend0 = new HealthServer("0", "/health");

		static final HealthServer backend1 = new HealthServer("1", "/health");

		static final HealthServer backend2 = new HealthServer("2", "/health");

		@Autowired
		SwitchableCheck myCheck;

		@DynamicPropertySource
		static void backends(DynamicPropertyRegistry properties) {
			LoadBalancerTests.backend(properties, 0, 0, backend0::url, 1);
			properties.add("smartstick.backends[0].health-check", () -> "myCheck");
			LoadBalancerTests.backend(properties, 1, 1, backend1::url, 1);
			properties.add("smartstick.backends[1].health-check", () -> "brokenCheck");
			LoadBalancerTests.backend(properties, 2, 2, backend2::url, 1);
		}

		@AfterAll
		static void stopBackends() {
			backend0.close();
			backend1.close();
			backend2.close();
		}

		@Test
		void namedCheckDecidesTheHealthOfItsBackendOnly() {
			this.myCheck.healthy = false;
			try {
				awaitHealthy(0, false);
				assertThat(this.registry.find(0).health().cause()).isEqualTo("custom check failed");
			}
			finally {
				this.myCheck.healthy = true;
			}
			awaitHealthy(0, true);
			assertThat(this.registry.find(0).health().cause()).isEqualTo("custom check passed");
			assertThat(this.myCheck.checked).containsOnly(0);
			assertThat(backend0.probes()).isZero();
		}

		@Test
		void checkThatThrowsCountsAsUnhealthyAndTheAppKeepsRunning() {
			awaitHealthy(1, false);
			assertThat(this.registry.find(1).health().cause()).isEqualTo("check failed: IllegalStateException: boom");
			String lastChecked = status(1).get("lastChecked").asString();
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(status(1).get("lastChecked").asString()).isGreaterThan(lastChecked));
			assertThat(status(1).get("healthy").asBoolean()).isFalse();
			for (int i = 0; i < 4; i++) {
				EntityExchangeResult<String> result = get(null);
				assertThat(result.getResponseHeaders().getFirst("x-backend-id")).isIn("0", "2");
			}
			assertThat(backend1.probes()).isZero();
		}

		@Test
		void backendWithoutCheckNameIsCheckedOverHttpWhenSeveralChecksAreDefined() throws InterruptedException {
			RecordedRequest probe = backend2.takeHealthProbe();
			assertThat(probe.getMethod()).isEqualTo("GET");
			awaitHealthy(2, true);
			assertThat(this.registry.find(2).health().cause()).isEqualTo("HTTP 200 from /health");
			assertThat(status(2).get("lastChecked").isNull()).isFalse();
		}

		@Test
		void statusShowsWhichBackendsHaveACustomCheck() {
			assertThat(status(0).get("healthCheck").get("hasCustomFunction").asBoolean()).isTrue();
			assertThat(status(1).get("healthCheck").get("hasCustomFunction").asBoolean()).isTrue();
			assertThat(status(2).get("healthCheck").get("hasCustomFunction").asBoolean()).isFalse();
		}

		@TestConfiguration(proxyBeanMethods = false)
		static class Checks {

			@Bean
			SwitchableCheck myCheck() {
				return new SwitchableCheck();
			}

			@Bean
			HealthCheck brokenCheck() {
				return (backend) -> {
					throw new IllegalStateException("boom");
				};
			}

		}

	}

	/**
	 * A single HealthCheck bean: the default for every backend, replacing the HTTP check.
	 */
	@Nested
	@SpringBootTest(classes = { TestApplication.class, SingleCustomCheck.Check.class },
			webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { "smartstick.health.interval=200ms", "smartstick.health.timeout=150ms",
					"smartstick.health.path=/health" })
	@DirtiesContext
	class SingleCustomCheck extends RunningApp {

		static final HealthServer backend0 = new HealthServer("0", "/health");

		static final HealthServer backend1 = new HealthServer("1", "/health");

		@Autowired
		SwitchableCheck check;

		@Autowired
		ApplicationContext context;

		@DynamicPropertySource
		static void backends(DynamicPropertyRegistry properties) {
			LoadBalancerTests.backend(properties, 0, 0, backend0::url, 1);
			LoadBalancerTests.backend(properties, 1, 1, backend1::url, 1);
		}

		@AfterAll
		static void stopBackends() {
			backend0.close();
			backend1.close();
		}

		@Test
		void singleCheckDecidesEveryBackendsHealthInsteadOfHttp() {
			this.check.healthy = false;
			try {
				awaitHealthy(0, false);
				awaitHealthy(1, false);
			}
			finally {
				this.check.healthy = true;
			}
			awaitHealthy(0, true);
			awaitHealthy(1, true);
			assertThat(this.check.checked).containsOnly(0, 1);
			assertThat(this.registry.find(1).health().cause()).isEqualTo("custom check passed");
			assertThat(this.context.getBeansOfType(HealthCheck.class)).containsOnlyKeys("onlyCheck");
			assertThat(backend0.probes()).isZero();
			assertThat(backend1.probes()).isZero();
			assertThat(status(0).get("healthCheck").get("hasCustomFunction").asBoolean()).isTrue();
			assertThat(status(1).get("healthCheck").get("hasCustomFunction").asBoolean()).isTrue();
		}

		@TestConfiguration(proxyBeanMethods = false)
		static class Check {

			@Bean
			SwitchableCheck onlyCheck() {
				return new SwitchableCheck();
			}

		}

	}

	/**
	 * The load balancer on a random port, read through its status endpoint and registry.
	 */
	abstract static class RunningApp {

		@LocalServerPort
		int port;

		@Autowired
		BackendRegistry registry;

		WebTestClient client;

		@BeforeEach
		void createClient() {
			this.client = LoadBalancerTests.client(this.port);
		}

		JsonNode status(int index) {
			String body = this.client.get()
				.uri("/_lb/health")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody();
			return JSON.readTree(body).get("backends").get(index);
		}

		void awaitHealthy(int index, boolean healthy) {
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(status(index).get("healthy").asBoolean())
					.as("backend %s healthy", index)
					.isEqualTo(healthy));
		}

		EntityExchangeResult<String> get(String cookie) {
			WebTestClient.RequestHeadersSpec<?> request = this.client.get().uri("/");
			if (cookie != null) {
				request = request.cookie("X-Backend-ID", cookie);
			}
			return request.exchange().expectStatus().isOk().expectBody(String.class).returnResult();
		}

	}

	/**
	 * Collects every state change event.
	 */
	static class EventLog implements ApplicationListener<BackendStateChangedEvent> {

		private final List<BackendStateChangedEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(BackendStateChangedEvent event) {
			this.events.add(event);
		}

		List<BackendStateChangedEvent> all() {
			return List.copyOf(this.events);
		}

		List<BackendStateChangedEvent> of(int backendId) {
			return this.events.stream().filter((event) -> event.getBackend().id() == backendId).toList();
		}

		void clear() {
			this.events.clear();
		}

	}

	/**
	 * A custom check whose answer the test switches; records which backends it checked.
	 */
	static class SwitchableCheck implements HealthCheck {

		volatile boolean healthy = true;

		final Set<Integer> checked = ConcurrentHashMap.newKeySet();

		@Override
		public Mono<Boolean> isHealthy(Backend backend) {
			this.checked.add(backend.id());
			return Mono.just(this.healthy);
		}

	}

	/**
	 * A real backend on loopback whose health endpoint answers as the test says; every
	 * other path answers {@code backend-<name>}.
	 */
	static final class HealthServer implements AutoCloseable {

		private final MockWebServer server;

		private final String name;

		private final String healthPath;

		private final List<Long> probeTimes = new CopyOnWriteArrayList<>();

		private volatile MockResponse health = new MockResponse.Builder().code(200).build();

		HealthServer(String name, String healthPath) {
			this.name = name;
			this.healthPath = healthPath;
			this.server = MockWebServers.start(this::answer);
		}

		String url() {
			return "http://127.0.0.1:" + this.server.getPort();
		}

		void answerHealth(int status) {
			this.health = new MockResponse.Builder().code(status).build();
		}

		void answerHealthAfter(Duration delay) {
			this.health = new MockResponse.Builder().code(200)
				.headersDelay(delay.toMillis(), TimeUnit.MILLISECONDS)
				.build();
		}

		int probes() {
			return this.probeTimes.size();
		}

		List<Long> probeTimes() {
			return new ArrayList<>(this.probeTimes);
		}

		RecordedRequest takeHealthProbe() throws InterruptedException {
			for (int i = 0; i < 100; i++) {
				RecordedRequest request = this.server.takeRequest(5, TimeUnit.SECONDS);
				assertThat(request).as("a request to backend %s", this.name).isNotNull();
				if (this.healthPath.equals(request.getUrl().encodedPath())) {
					return request;
				}
			}
			throw new AssertionError("no health probe of backend " + this.name);
		}

		private MockResponse answer(RecordedRequest request) {
			if (this.healthPath.equals(request.getUrl().encodedPath())) {
				this.probeTimes.add(System.nanoTime());
				return this.health;
			}
			return new MockResponse.Builder().code(200)
				.addHeader("Content-Type", "text/plain")
				.body("backend-" + this.name)
				.build();
		}

		@Override
		public void close() {
			this.server.close();
		}

	}

}
