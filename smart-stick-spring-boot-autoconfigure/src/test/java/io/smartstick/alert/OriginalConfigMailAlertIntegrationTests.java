package io.smartstick.alert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.smartstick.balancer.BackendRegistry;
import io.smartstick.integration.TestApplication;
import io.smartstick.test.TestBackend;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static io.smartstick.alert.TestMailServer.from;
import static io.smartstick.alert.TestMailServer.subject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The original config.json's {@code email} block works unchanged: alerts go through the
 * SMTP server it names, authenticated and sent from its user. A recovery is mailed at
 * once even within the minimum interval; only a backend that flaps further is held back.
 * The app is started by hand because
 * {@code smartstick.config-file} must be known before the environment is post-processed.
 */
@ExtendWith(OutputCaptureExtension.class)
class OriginalConfigMailAlertIntegrationTests {

	static final TestMailServer mail = new TestMailServer();

	static final TestBackend stable = new TestBackend("2");

	static final TestBackend flapping = new TestBackend("3");

	static final HealthSwitch stableHealth = new HealthSwitch(stable);

	static final HealthSwitch flappingHealth = new HealthSwitch(flapping);

	static ConfigurableApplicationContext context;

	static BackendRegistry registry;

	@BeforeAll
	static void start(@TempDir Path directory) throws IOException {
		mail.greenMail().setUser("lb@example.com", "secret");
		Path config = Files.writeString(directory.resolve("config.json"), """
				{
				  "port": 0,
				  "backends": [
				    { "id": 2, "url": "%s", "healthPath": "/health", "owner": "dev@example.com" },
				    { "id": 3, "url": "%s", "healthPath": "/health", "owner": "flappy@example.com" }
				  ],
				  "health": { "interval": 200 },
				  "email": { "host": "127.0.0.1", "port": %d, "secure": false,
				    "auth": { "user": "lb@example.com", "pass": "secret" } }
				}
				""".formatted(stable.url(), flapping.url(), mail.port()));
		context = new SpringApplicationBuilder(TestApplication.class).run("--server.port=0",
				"--smartstick.config-file=" + config, "--smartstick.alerts.min-interval=1h");
		registry = context.getBean(BackendRegistry.class);
	}

	@AfterAll
	static void stop() {
		context.close();
		stable.close();
		flapping.close();
		mail.close();
	}

	@Test
	void downMailReachesTheOwnerFromTheConfiguredUser() {
		stableHealth.down();
		MimeMessage down = await().atMost(Duration.ofSeconds(10))
			.until(() -> mail.to("dev@example.com"), (mails) -> mails.size() == 1)
			.get(0);
		assertThat(from(down)).isEqualTo("lb@example.com");
		assertThat(subject(down)).isEqualTo("[smart-stick] Backend 2 (" + stable.url() + ") is DOWN");
	}

	@Test
	void recoveryIsMailedAtOnceAndFurtherFlappingIsHeldBack(CapturedOutput output) {
		flappingHealth.down();
		await().atMost(Duration.ofSeconds(10)).until(() -> mail.to("flappy@example.com").size() == 1);
		flappingHealth.up();
		await().atMost(Duration.ofSeconds(10)).until(() -> mail.to("flappy@example.com").size() == 2);
		assertThat(registry.find(3).isHealthy()).isTrue();
		flappingHealth.down();
		await().atMost(Duration.ofSeconds(10)).until(() -> !registry.find(3).isHealthy());
		await().during(Duration.ofMillis(800))
			.atMost(Duration.ofSeconds(3))
			.until(() -> mail.to("flappy@example.com").size() == 2);
		assertThat(mail.to("flappy@example.com")).extracting(TestMailServer::subject)
			.containsExactly("[smart-stick] Backend 3 (" + flapping.url() + ") is DOWN",
					"[smart-stick] Backend 3 (" + flapping.url() + ") has RECOVERED");
		assertThat(output.getOut()).contains("Holding back the mail to flappy@example.com that backend 3 is down");
	}

}
