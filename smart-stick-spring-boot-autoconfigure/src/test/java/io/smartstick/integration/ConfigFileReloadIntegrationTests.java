package io.smartstick.integration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import io.smartstick.balancer.BackendRegistry;
import io.smartstick.test.LoadClients;
import io.smartstick.test.StickyRequests;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The file named by {@code smartstick.config-file} edited while traffic flows: a backend
 * added, one removed and one re-weighted with no failed request, sticky clients of the
 * removed one moved with a new cookie, and an invalid edit rejected while the previous
 * configuration keeps serving.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigFileReloadIntegrationTests {

	private final TestBackend a = new TestBackend("a");

	private final TestBackend b = new TestBackend("b");

	private final TestBackend c = new TestBackend("c");

	@TempDir
	Path directory;

	private ConfigurableApplicationContext context;

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		this.a.close();
		this.b.close();
		this.c.close();
	}

	@Test
	void editedConfigFileChangesBackendsUnderLoadWithoutFailedRequests(CapturedOutput output) throws Exception {
		Path file = this.directory.resolve("config.json");
		write(file, config(backend(0, this.a, 1), backend(1, this.b, 1)));
		this.context = new SpringApplicationBuilder(TestApplication.class).run("--server.port=0",
				"--spring.main.banner-mode=off", "--smartstick.config-file=" + file,
				"--smartstick.reload.interval=100ms", "--smartstick.health.interval=200ms",
				"--smartstick.drain-timeout=5s");
		BackendRegistry registry = this.context.getBean(BackendRegistry.class);
		WebTestClient client = client();
		String stickyToB = StickyRequests.cookieFor(client, "1", 50);
		try (LoadClients load = new LoadClients(baseUrl(), "X-Backend-ID", 6)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > 50);
			write(file, config(backend(0, this.a, 3), backend(2, this.c, 1)));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> registry.find(1) == null && registry.find(2) != null && registry.find(2).isHealthy());
			assertThat(registry.find(0).weight()).isEqualTo(3);
			EntityExchangeResult<String> moved = StickyRequests.get(client, stickyToB);
			assertThat(moved.getResponseHeaders().getFirst("x-backend-id")).isIn("0", "2");
			assertThat(moved.getResponseCookies().getFirst("X-Backend-ID")).isNotNull();
			int toA = 0;
			int total = 200;
			for (int i = 0; i < total; i++) {
				if ("0".equals(StickyRequests.get(client, null).getResponseHeaders().getFirst("x-backend-id"))) {
					toA++;
				}
			}
			// weights 3 and 1; other clients being assigned at the same time shift it a little
			assertThat(toA / (double) total).isBetween(0.6, 0.9);
			long before = load.requests();
			await().atMost(Duration.ofSeconds(10)).until(() -> load.requests() > before + 50);
			load.close();
			assertThat(load.failures()).isEmpty();
		}
	}

	@Test
	void invalidEditIsRejectedAndThePreviousConfigurationKeepsServing(CapturedOutput output) throws Exception {
		Path file = this.directory.resolve("config.json");
		write(file, config(backend(0, this.a, 1), backend(1, this.b, 1)));
		this.context = new SpringApplicationBuilder(TestApplication.class).run("--server.port=0",
				"--spring.main.banner-mode=off", "--smartstick.config-file=" + file,
				"--smartstick.reload.interval=100ms");
		BackendRegistry registry = this.context.getBean(BackendRegistry.class);
		write(file, config(backend(0, this.a, 1), "{ \"id\": 2, \"url\": \"not a url\" }"));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> output.getOut().contains("Rejected the configuration changed by smartstick.config-file"));
		assertThat(output.getOut()).contains("smartstick.backends[1].url is not a valid URL");
		assertThat(registry.all()).extracting((backend) -> backend.idValue()).containsExactly("0", "1");
		write(file, "{ \"backends\": [ ");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> output.getOut().contains("Rejected the changed smartstick.config-file"));
		assertThat(registry.all()).extracting((backend) -> backend.idValue()).containsExactly("0", "1");
		StickyRequests.get(client(), null);
	}

	private String baseUrl() {
		return "http://127.0.0.1:" + ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	private WebTestClient client() {
		return WebTestClient.bindToServer().baseUrl(baseUrl()).responseTimeout(Duration.ofSeconds(10)).build();
	}

	private static String backend(int id, TestBackend backend, int weight) {
		return "{ \"id\": " + id + ", \"url\": \"" + backend.url() + "\", \"weight\": " + weight + " }";
	}

	private static String config(String... backends) {
		return "{ \"port\": 0, \"strategy\": \"round-robin\", \"backends\": [ " + String.join(", ", backends) + " ] }";
	}

	/** Write the whole file at once, as an editor saving it does, so no half file is read. */
	private void write(Path file, String content) throws IOException {
		Path temporary = Files.createTempFile(this.directory, "config", ".tmp");
		Files.writeString(temporary, content);
		Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

}
