package io.smartstick.integration;

import io.smartstick.balancer.Pools;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request that fails in a pool is retried on another backend of that pool, and the
 * failed backend is taken down in that pool only.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.enabled=false", "smartstick.pools.api.paths=/api/**" })
class PoolRetryIntegrationTests {

	@RegisterExtension
	static final TestBackend web = new TestBackend("web");

	@RegisterExtension
	static final TestBackend api1 = new TestBackend("api-1");

	@LocalServerPort
	int port;

	@Autowired
	Pools pools;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, web::url, 1);
		// the same id in the default pool: nothing listens on api's backend 0
		LoadBalancerTests.poolBackend(properties, "api", 0, 0,
				() -> "http://127.0.0.1:" + LoadBalancerTests.closedPort());
		LoadBalancerTests.poolBackend(properties, "api", 1, 1, api1::url);
	}

	@Test
	void failedRequestIsRetriedWithinItsPoolAndOnlyThatPoolsBackendGoesDown() {
		EntityExchangeResult<String> result = LoadBalancerTests.client(this.port)
			.get()
			.uri("/api/anything")
			.cookie("X-Backend-ID-api", "0")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("x-backend-id", "1")
			.expectBody(String.class)
			.isEqualTo("backend-api-1")
			.returnResult();
		assertThat(result.getResponseCookies().getFirst("X-Backend-ID-api").getValue()).isEqualTo("1");
		assertThat(this.pools.find("api").registry().find(0).isHealthy()).isFalse();
		assertThat(this.pools.find("api").registry().find(0).health().cause()).contains("passive");
		assertThat(this.pools.find("default").registry().find(0).isHealthy()).as("backend 0 of the default pool")
			.isTrue();
	}

}
