package io.smartstick.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser, on the demo as it ships (the Actuator endpoint takes
 * writes): both pools' backends show UP, a stopped backend turns DOWN without a reload,
 * the filter and the sort by state find it, and Drain drains.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "smartstick.health.interval=" + DashboardBrowserTests.HEALTH_INTERVAL_SECONDS + "s")
@DirtiesContext
class DashboardBrowserTests {

	static final int HEALTH_INTERVAL_SECONDS = 3;

	static final int[] demoPorts = DemoProperties.freePorts();

	static WebDriver browser;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void demoPorts(DynamicPropertyRegistry properties) {
		DemoProperties.register(properties, demoPorts);
	}

	@BeforeAll
	static void startBrowser() {
		browser = HeadlessChromium.start();
	}

	@AfterAll
	static void stopBrowser() {
		if (browser != null) {
			browser.quit();
		}
	}

	@Test
	void operatorSeesABackendGoDownAndDrainsAnotherWithAClick() {
		WebTestClient client = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(10))
			.build();
		// a little traffic for the figures and sparklines
		for (int i = 0; i < 20; i++) {
			client.get().uri((i % 2 == 0) ? "/" : "/api/orders").exchange().expectStatus().isOk();
		}
		browser.get("http://127.0.0.1:" + this.port + "/_lb/");
		Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			assertThat(state("default", 0)).isEqualTo("UP");
			assertThat(state("default", 1)).isEqualTo("UP");
			assertThat(state("api", 0)).isEqualTo("UP");
			assertThat(state("api", 1)).isEqualTo("UP");
		});
		assertThat(browser.findElement(By.id("connection")).getText()).isEqualTo("Live");
		assertThat(browser.findElement(By.id("writes")).getText()).isEmpty();

		client.post().uri("/demo/backends/" + demoPorts[1] + "/stop").exchange().expectStatus().isOk();
		Awaitility.await()
			.atMost(Duration.ofSeconds(HEALTH_INTERVAL_SECONDS + 1))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> state("default", 1).equals("DOWN"));
		assertThat(browser.findElement(By.id("changes")).getText()).contains("pool default, backend 1: UP → DOWN");

		// at a thousand backends one finds the bad ones by filtering and sorting
		WebElement filter = browser.findElement(By.id("filter"));
		filter.sendKeys("down");
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> visibleRows().equals(List.of("default/1")));
		filter.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> visibleRows().size() == 4);
		new Select(browser.findElement(By.id("sort"))).selectByValue("state");
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> visibleRows().equals(List.of("default/1", "default/0", "api/0", "api/1")));

		row("default", 0).findElement(By.cssSelector("button[data-action='drain']")).click();
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> client.get()
				.uri("/actuator/smartstick")
				.accept(MediaType.APPLICATION_JSON)
				.exchange()
				.expectBody()
				.jsonPath("$.backends[0].pool")
				.isEqualTo("default")
				.jsonPath("$.backends[0].adminState")
				.isEqualTo("drain"));
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> state("default", 0).equals("DRAINING"));
		assertThat(browser.findElement(By.id("message")).getText()).contains("backend 0").contains("drain");
		HeadlessChromium.screenshot(browser, Path.of("target", "dashboard.png"));
	}

	static WebElement row(String pool, int id) {
		List<WebElement> rows = browser
			.findElements(By.cssSelector("tr[data-pool='" + pool + "'][data-id='" + id + "']"));
		assertThat(rows).as("row of backend %s of pool %s", id, pool).hasSize(1);
		return rows.get(0);
	}

	static List<String> visibleRows() {
		return browser.findElements(By.cssSelector("tr[data-pool]"))
			.stream()
			.filter(WebElement::isDisplayed)
			.map((row) -> row.getAttribute("data-pool") + "/" + row.getAttribute("data-id"))
			.toList();
	}

	static String state(String pool, int id) {
		return row(pool, id).findElement(By.cssSelector(".state")).getAttribute("data-state");
	}

}
