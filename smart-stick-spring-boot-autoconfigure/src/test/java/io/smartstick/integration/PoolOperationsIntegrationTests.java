package io.smartstick.integration;

import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.smartstick.balancer.AdminState;
import io.smartstick.balancer.Pools;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Operating several pools: the Actuator endpoint changes a backend of a named pool, the
 * health contributor has a component per pool, and metrics carry the pool.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=smartstick,health,metrics",
				"management.endpoint.smartstick.access=unrestricted", "management.endpoint.health.show-details=always",
				"smartstick.health.enabled=false", "smartstick.pools.api.paths=/api/**" })
class PoolOperationsIntegrationTests {

	@RegisterExtension
	static final TestBackend default0 = new TestBackend("default-0");

	@RegisterExtension
	static final TestBackend default1 = new TestBackend("default-1");

	@RegisterExtension
	static final TestBackend api0 = new TestBackend("api-0");

	@RegisterExtension
	static final TestBackend api1 = new TestBackend("api-1");

	@LocalServerPort
	int port;

	@Autowired
	Pools pools;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void pools(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, default0::url, 1);
		LoadBalancerTests.backend(properties, 1, 1, default1::url, 1);
		LoadBalancerTests.poolBackend(properties, "api", 0, 0, api0::url);
		LoadBalancerTests.poolBackend(properties, "api", 1, 1, api1::url);
	}

	@Test
	void endpointChangesTheAdminStateOfABackendOfANamedPool() {
		WebTestClient client = LoadBalancerTests.client(this.port);
		try {
			client.post()
				.uri("/actuator/smartstick/api/1")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("state", "drain"))
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.pool")
				.isEqualTo("api")
				.jsonPath("$.id")
				.isEqualTo(1)
				.jsonPath("$.adminState")
				.isEqualTo("drain");
			assertThat(this.pools.find("api").registry().find(1).adminState()).isEqualTo(AdminState.DRAIN);
			assertThat(this.pools.find("default").registry().find(1).adminState()).isEqualTo(AdminState.READY);
			client.post()
				.uri("/actuator/smartstick/shop/1")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("state", "drain"))
				.exchange()
				.expectStatus()
				.isNotFound()
				.expectBody()
				.jsonPath("$.error")
				.isEqualTo("No pool named shop.");
		}
		finally {
			this.pools.find("api").registry().updateAdminState(this.pools.find("api").registry().find(1),
					AdminState.READY);
		}
	}

	@Test
	void healthContributorHasAComponentPerPool() {
		LoadBalancerTests.client(this.port)
			.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.smartstick.components.default.details.total")
			.isEqualTo(2)
			.jsonPath("$.components.smartstick.components.api.details.total")
			.isEqualTo(2);
	}

	@Test
	void metricsCarryThePool() {
		LoadBalancerTests.client(this.port).get().uri("/api/anything").exchange().expectStatus().isOk();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.meters.find("smartstick.requests").tag("pool", "api").timers())
				.isNotEmpty());
		assertThat(this.meters.find("smartstick.backend.active").tag("pool", "api").gauges()).hasSize(2);
		assertThat(this.meters.find("smartstick.backend.active").tag("pool", "default").gauges()).hasSize(2);
	}

}
