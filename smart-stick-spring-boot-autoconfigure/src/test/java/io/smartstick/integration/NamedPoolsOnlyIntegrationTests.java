package io.smartstick.integration;

import java.time.Instant;

import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.Pools;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without top-level backends there is no default pool: a request no pool claims is not
 * proxied anywhere, and pools keep their strict failover policy of their own.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.enabled=false", "smartstick.pools.api.paths=/api/**",
				"smartstick.pools.api.sticky.failover=strict" })
class NamedPoolsOnlyIntegrationTests {

	@RegisterExtension
	static final TestBackend api0 = new TestBackend("api-0");

	@LocalServerPort
	int port;

	@Autowired
	ObjectProvider<BackendRegistry> defaultRegistry;

	@Autowired
	Pools pools;

	@DynamicPropertySource
	static void pools(DynamicPropertyRegistry properties) {
		LoadBalancerTests.poolBackend(properties, "api", 0, 0, api0::url);
	}

	@Test
	void requestNoPoolClaimsGets404() {
		int before = api0.requestCount();
		LoadBalancerTests.client(this.port).get().uri("/elsewhere").exchange().expectStatus().isNotFound();
		assertThat(api0.requestCount()).isEqualTo(before);
		assertThat(this.defaultRegistry.getIfAvailable()).as("no default pool").isNull();
	}

	@Test
	void claimedRequestIsProxiedByItsPool() {
		LoadBalancerTests.expectProxiedTo(LoadBalancerTests.client(this.port).get().uri("/api/anything").exchange(), "0",
				"backend-api-0");
	}

	@Test
	void strictPoolAnswers503ToAClientOfADownBackend() {
		BackendRegistry registry = this.pools.find("api").registry();
		registry.updateHealth(registry.find(0), false, "test", Instant.now());
		try {
			LoadBalancerTests.client(this.port)
				.get()
				.uri("/api/anything")
				.cookie("X-Backend-ID-api", "0")
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectBody(String.class)
				.isEqualTo("{\"error\":\"Backend 0 is unavailable.\"}");
		}
		finally {
			registry.updateHealth(registry.find(0), true, "test", Instant.now());
		}
	}

}
