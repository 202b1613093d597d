package io.smartstick.alert;

import java.time.Duration;
import java.util.List;

import io.smartstick.balancer.BackendRegistry;
import io.smartstick.integration.TestApplication;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.smartstick.alert.TestMailServer.body;
import static io.smartstick.alert.TestMailServer.subject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Owners get one mail when their backend goes down and one when it recovers, sent
 * through a real SMTP server; backends without an owner send nothing.
 */
@DirtiesContext
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.application.name=lb-test", "smartstick.health.path=/health",
				"smartstick.health.interval=200ms", "smartstick.alerts.min-interval=0",
				"spring.mail.host=127.0.0.1" })
class MailAlertIntegrationTests {

	static final TestMailServer mail = new TestMailServer();

	static final TestBackend owned = new TestBackend("0");

	static final TestBackend unowned = new TestBackend("1");

	static final HealthSwitch ownedHealth = new HealthSwitch(owned);

	static final HealthSwitch unownedHealth = new HealthSwitch(unowned);

	@Autowired
	BackendRegistry registry;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		properties.add("spring.mail.port", mail::port);
		LoadBalancerTests.backend(properties, 0, 0, owned::url, 1);
		properties.add("smartstick.backends[0].owner", () -> "ops@example.com");
		LoadBalancerTests.backend(properties, 1, 1, unowned::url, 1);
	}

	@AfterAll
	static void stop() {
		owned.close();
		unowned.close();
		mail.close();
	}

	@Test
	void ownerIsMailedOnceWhenTheBackendGoesDownAndOnceWhenItRecovers() {
		ownedHealth.down();
		MimeMessage down = await().atMost(Duration.ofSeconds(10))
			.until(() -> mail.to("ops@example.com"), (mails) -> mails.size() == 1)
			.get(0);
		assertThat(subject(down)).isEqualTo("[smart-stick] Backend 0 (" + owned.url() + ") is DOWN");
		assertThat(body(down)).contains("Backend:       0\n", "URL:           " + owned.url() + "\n",
				"State:         DOWN (was UP)\n", "Cause:         HTTP 503 from /health\n",
				"Load balancer: lb-test")
			.containsPattern("Time:          \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z\n");
		ownedHealth.up();
		List<MimeMessage> mails = await().atMost(Duration.ofSeconds(10))
			.until(() -> mail.to("ops@example.com"), (received) -> received.size() == 2);
		MimeMessage recovered = mails.get(1);
		assertThat(subject(recovered)).isEqualTo("[smart-stick] Backend 0 (" + owned.url() + ") has RECOVERED");
		assertThat(body(recovered)).contains("State:         UP (was DOWN)\n",
				"Cause:         HTTP 200 from /health\n");
		// several more health rounds while up: still exactly one mail per transition
		await().during(Duration.ofMillis(800))
			.atMost(Duration.ofSeconds(3))
			.until(() -> mail.to("ops@example.com").size() == 2 && this.registry.find(0).isHealthy());
	}

	@Test
	void backendWithoutOwnerSendsNoMail() {
		unownedHealth.down();
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.registry.find(1).isHealthy());
		unownedHealth.up();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.registry.find(1).isHealthy());
		await().during(Duration.ofMillis(800))
			.atMost(Duration.ofSeconds(3))
			.until(() -> mail.withSubjectContaining("Backend 1 ").isEmpty());
	}

}
