package io.smartstick.integration;

import java.time.Instant;

import io.smartstick.balancer.BackendRegistry;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Under the strict failover policy a client whose backend is down gets 503 instead of
 * being moved, while new clients are still served.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.sticky.failover=strict", "smartstick.health.enabled=false" })
class StrictFailoverIntegrationTests {

	@RegisterExtension
	static final TestBackend backend0 = new TestBackend("0");

	@RegisterExtension
	static final TestBackend backend1 = new TestBackend("1");

	@LocalServerPort
	int port;

	@Autowired
	BackendRegistry registry;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend0::url, 1);
		LoadBalancerTests.backend(properties, 1, 1, backend1::url, 1);
	}

	@Test
	void clientOfDownBackendGets503WhileNewClientsAreServed() {
		WebTestClient client = LoadBalancerTests.client(this.port);
		this.registry.updateHealth(this.registry.find(1), false, "test", Instant.now());
		client.get()
			.uri("/")
			.cookie("X-Backend-ID", "1")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.exists(HttpHeaders.RETRY_AFTER)
			.expectHeader()
			.doesNotExist(HttpHeaders.SET_COOKIE)
			.expectBody()
			.json("{\"error\":\"Backend 1 is unavailable.\"}");
		client.get().uri("/").exchange().expectStatus().isOk().expectHeader().valueEquals("x-backend-id", "0");
		this.registry.updateHealth(this.registry.find(1), true, "test", Instant.now());
		client.get()
			.uri("/")
			.cookie("X-Backend-ID", "1")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("x-backend-id", "1");
	}

}
