package io.smartstick.integration;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.Pools;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.ResponseCookie;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several pools behind one load balancer: two claimed by path (one with Gateway filters of
 * its own), one by host, and the default pool for the rest; each sticky with its own
 * cookie, its own backends and its own failover. A route of the application's own is
 * left alone.
 */
@SpringBootTest(classes = { TestApplication.class, PoolsIntegrationTests.OwnRoute.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PoolsIntegrationTests {

	static final TestBackend default0 = new TestBackend("default-0");

	static final TestBackend default1 = new TestBackend("default-1");

	static final TestBackend api0 = new TestBackend("api-0");

	static final TestBackend api1 = new TestBackend("api-1");

	static final TestBackend chat0 = new TestBackend("chat-0");

	static final TestBackend shop0 = new TestBackend("shop-0");

	static final TestBackend own = new TestBackend("own");

	@LocalServerPort
	int port;

	@Autowired
	Pools pools;

	WebTestClient client;

	@DynamicPropertySource
	static void pools(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, default0::url, 1);
		LoadBalancerTests.backend(properties, 1, 1, default1::url, 1);
		properties.add("smartstick.health.enabled", () -> "false");
		properties.add("smartstick.pools.api.paths", () -> "/api/**");
		properties.add("smartstick.pools.api.filters[0]", () -> "StripPrefix=1");
		properties.add("smartstick.pools.api.filters[1]", () -> "AddRequestHeader=X-Pool, api");
		LoadBalancerTests.poolBackend(properties, "api", 0, 0, api0::url);
		LoadBalancerTests.poolBackend(properties, "api", 1, 1, api1::url);
		properties.add("smartstick.pools.chat.paths", () -> "/chat/**");
		properties.add("smartstick.pools.chat.sticky.cookie-name", () -> "CHAT");
		LoadBalancerTests.poolBackend(properties, "chat", 0, 7, chat0::url);
		properties.add("smartstick.pools.shop.hosts", () -> "shop.example.com");
		LoadBalancerTests.poolBackend(properties, "shop", 0, 0, shop0::url);
	}


	@AfterAll
	static void stopBackends() {
		for (TestBackend backend : List.of(default0, default1, api0, api1, chat0, shop0, own)) {
			backend.close();
		}
	}

	@BeforeEach
	void setUp() {
		this.client = LoadBalancerTests.client(this.port);
	}

	@AfterEach
	void allBackendsUp() {
		for (Backend backend : this.pools.allBackends()) {
			this.pools.find(backend.pool()).registry().updateHealth(backend, true, "test reset", Instant.now());
		}
	}

	@Test
	void poolClaimedByPathGetsItsOwnGatewayFiltersAndItsOwnCookie() {
		EntityExchangeResult<String> first = get("/api/echo", null, null);
		String id = first.getResponseHeaders().getFirst("x-backend-id");
		assertThat(first.getResponseHeaders().getFirst("backend")).isEqualTo("api-" + id);
		assertThat(first.getResponseHeaders().getFirst("echo-target")).as("StripPrefix=1").isEqualTo("/echo");
		assertThat(first.getResponseHeaders().getFirst("echo-x-pool")).as("AddRequestHeader").isEqualTo("api");
		ResponseCookie cookie = first.getResponseCookies().getFirst("X-Backend-ID-api");
		assertThat(cookie).isNotNull();
		assertThat(cookie.getValue()).isEqualTo(id);
		assertThat(first.getResponseCookies()).doesNotContainKey("X-Backend-ID");
		for (int i = 0; i < 5; i++) {
			EntityExchangeResult<String> next = get("/api/echo", "X-Backend-ID-api=" + id, null);
			assertThat(next.getResponseHeaders().getFirst("backend")).isEqualTo("api-" + id);
			assertThat(next.getResponseCookies()).isEmpty();
		}
	}

	@Test
	void poolCanNameItsOwnCookie() {
		EntityExchangeResult<String> first = get("/chat/room/1", null, null);
		assertThat(first.getResponseBody()).isEqualTo("backend-chat-0");
		assertThat(first.getResponseHeaders().getFirst("x-backend-id")).isEqualTo("7");
		assertThat(first.getResponseCookies().getFirst("CHAT").getValue()).isEqualTo("7");
	}

	@Test
	void poolClaimedByHostServesThatHostOnly() {
		EntityExchangeResult<String> shop = get("/echo", null, "shop.example.com");
		assertThat(shop.getResponseHeaders().getFirst("backend")).isEqualTo("shop-0");
		assertThat(shop.getResponseCookies().getFirst("X-Backend-ID-shop")).isNotNull();
		EntityExchangeResult<String> other = get("/echo", null, "other.example.com");
		assertThat(other.getResponseHeaders().getFirst("backend")).startsWith("default-");
	}

	@Test
	void unclaimedPathsGoToTheDefaultPool() {
		EntityExchangeResult<String> result = get("/echo", null, null);
		assertThat(result.getResponseHeaders().getFirst("backend")).startsWith("default-");
		assertThat(result.getResponseCookies().getFirst("X-Backend-ID")).isNotNull();
		assertThat(result.getResponseHeaders().getFirst("echo-target")).as("no filter of another pool")
			.isEqualTo("/echo");
	}

	@Test
	void aClientIsPinnedInSeveralPoolsAtOnce() {
		String cookies = "X-Backend-ID=1; X-Backend-ID-api=0";
		for (int i = 0; i < 4; i++) {
			assertThat(get("/api/echo", cookies, null).getResponseHeaders().getFirst("backend")).isEqualTo("api-0");
			assertThat(get("/echo", cookies, null).getResponseHeaders().getFirst("backend")).isEqualTo("default-1");
		}
	}

	@Test
	void failoverStaysWithinThePool() {
		Backend api0Backend = this.pools.find("api").registry().find(0);
		this.pools.find("api").registry().updateHealth(api0Backend, false, "test", Instant.now());
		EntityExchangeResult<String> moved = get("/api/echo", "X-Backend-ID-api=0; X-Backend-ID=0", null);
		assertThat(moved.getResponseHeaders().getFirst("backend")).isEqualTo("api-1");
		assertThat(moved.getResponseCookies().getFirst("X-Backend-ID-api").getValue()).isEqualTo("1");
		EntityExchangeResult<String> defaultPool = get("/echo", "X-Backend-ID-api=0; X-Backend-ID=0", null);
		assertThat(defaultPool.getResponseHeaders().getFirst("backend")).as("backend 0 of the default pool is up")
			.isEqualTo("default-0");
	}

	@Test
	void aRouteOfTheApplicationsOwnIsLeftAlone() {
		long requestsBefore = this.pools.allBackends().stream().mapToLong(Backend::requests).sum();
		EntityExchangeResult<String> result = get("/own/echo", null, null);
		assertThat(result.getResponseHeaders().getFirst("backend")).isEqualTo("own");
		assertThat(result.getResponseHeaders().getFirst("x-backend-id")).isNull();
		assertThat(result.getResponseCookies()).isEmpty();
		assertThat(this.pools.allBackends().stream().mapToLong(Backend::requests).sum()).isEqualTo(requestsBefore);
	}

	@Test
	@SuppressWarnings("unchecked")
	void statusShowsEveryPool() {
		Map<String, Object> status = this.client.get()
			.uri("/_lb/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(status).containsEntry("total", 6).containsEntry("healthy", 6);
		Map<String, Map<String, Object>> pools = (Map<String, Map<String, Object>>) status.get("pools");
		assertThat(pools).containsOnlyKeys("default", "api", "chat", "shop");
		assertThat(pools.get("api")).containsEntry("strategy", "round-robin").containsEntry("total", 2);
		List<Map<String, Object>> backends = (List<Map<String, Object>>) status.get("backends");
		assertThat(backends).extracting((backend) -> backend.get("pool") + "/" + backend.get("id"))
			.containsExactlyInAnyOrder("default/0", "default/1", "api/0", "api/1", "chat/7", "shop/0");
	}

	private EntityExchangeResult<String> get(String path, String cookies, String host) {
		WebTestClient.RequestHeadersSpec<?> request = this.client.get().uri(path);
		if (cookies != null) {
			request = request.header("Cookie", cookies);
		}
		if (host != null) {
			request = request.header("Host", host);
		}
		return request.exchange().expectStatus().isOk().expectBody(String.class).returnResult();
	}

	/**
	 * A Gateway route of the application's own, beside smart-stick's pools.
	 */
	@Configuration(proxyBeanMethods = false)
	static class OwnRoute {

		@Bean
		RouteLocator ownRoute(RouteLocatorBuilder builder) {
			return builder.routes()
				.route("own", (route) -> route.order(-1).path("/own/**").filters((f) -> f.stripPrefix(1)).uri(own.url()))
				.build();
		}

	}

}
