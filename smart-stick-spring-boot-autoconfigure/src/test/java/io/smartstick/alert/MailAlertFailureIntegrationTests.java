package io.smartstick.alert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import io.smartstick.integration.TestApplication;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With the SMTP server unreachable, alerts fail on their own: requests are still proxied,
 * health changes still show, the load balancer's own health stays UP, and the failure is
 * logged without the mail password.
 */
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.path=/health", "smartstick.health.interval=200ms",
				"smartstick.alerts.min-interval=0", "smartstick.alerts.retries=1",
				"smartstick.alerts.retry-backoff=50ms", "spring.mail.host=127.0.0.1",
				"spring.mail.username=lb@example.com",
				"spring.mail.password=" + MailAlertFailureIntegrationTests.PASSWORD })
class MailAlertFailureIntegrationTests {

	static final String PASSWORD = "pw-Zq8vX3kT";

	@RegisterExtension
	static final TestBackend failing = new TestBackend("5");

	@RegisterExtension
	static final TestBackend healthy = new TestBackend("6");

	static final HealthSwitch failingHealth = new HealthSwitch(failing);

	@LocalServerPort
	int port;

	WebTestClient client;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		properties.add("spring.mail.port", MailAlertFailureIntegrationTests::closedPort);
		LoadBalancerTests.backend(properties, 0, 5, failing::url, 1);
		properties.add("smartstick.backends[0].owner", () -> "oncall@example.com");
		LoadBalancerTests.backend(properties, 1, 6, healthy::url, 1);
	}

	@BeforeEach
	void setUp() {
		this.client = LoadBalancerTests.client(this.port);
	}

	@Test
	void unreachableMailServerAffectsNeitherProxyingNorHealthChecks(CapturedOutput output) {
		failingHealth.down();
		await().atMost(Duration.ofSeconds(10)).until(() -> backendIsHealthy("5").equals("false"));
		this.client.get().uri("/").exchange().expectStatus().isOk().expectHeader().valueEquals("x-backend-id", "6");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> output.getOut().contains("Gave up sending alert mail about backend 5 to oncall@example.com"));
		assertThat(output.getOut()).contains(
				"Could not send alert mail about backend 5 to oncall@example.com (attempt 1 of 2), retrying: "
						+ "ConnectException: Connection refused");
		failingHealth.up();
		await().atMost(Duration.ofSeconds(10)).until(() -> backendIsHealthy("5").equals("true"));
		this.client.get()
			.uri("/")
			.cookie("X-Backend-ID", "5")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("x-backend-id", "5");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> output.getOut().split("Gave up sending alert mail about backend 5", -1).length == 3);
		this.client.get().uri("/actuator/health").exchange().expectStatus().isOk();
		assertThat(output.toString()).doesNotContain(PASSWORD);
	}

	private String backendIsHealthy(String id) {
		String body = this.client.get()
			.uri("/_lb/health")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		int backend = body.indexOf("\"id\":" + id + ",");
		int healthy = body.indexOf("\"healthy\":", backend) + "\"healthy\":".length();
		return body.substring(healthy, body.indexOf(',', healthy));
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
