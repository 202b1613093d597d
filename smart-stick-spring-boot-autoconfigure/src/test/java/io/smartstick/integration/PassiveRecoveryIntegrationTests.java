package io.smartstick.integration;

import java.time.Duration;

import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.awaitility.Awaitility.await;

/**
 * Without active health checks, a backend that passive detection took down is not lost
 * for good: it is tried again one health-check interval later.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.enabled=false", "smartstick.health.interval=1s",
				"smartstick.proxy.retries=0" })
class PassiveRecoveryIntegrationTests {

	@RegisterExtension
	static final TestBackend backend = new TestBackend("0");

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend::url, 1);
	}

	@Test
	void backendTakenDownPassivelyIsTriedAgainAfterTheInterval() {
		WebTestClient client = LoadBalancerTests.client(this.port);
		client.get().uri("/drop").exchange().expectStatus().isEqualTo(502);
		client.get().uri("/").exchange().expectStatus().isEqualTo(503);
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> client.get().uri("/").exchange().expectStatus().isOk());
	}

}
