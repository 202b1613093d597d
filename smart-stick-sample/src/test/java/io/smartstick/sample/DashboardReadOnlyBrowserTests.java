package io.smartstick.sample;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser when the Actuator endpoint does not take writes: no
 * admin button anywhere, and the page says why.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "management.endpoint.smartstick.access=read-only")
@DirtiesContext
class DashboardReadOnlyBrowserTests {

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
	void buttonsAreAbsentAndThePageSaysWhy() {
		browser.get("http://127.0.0.1:" + this.port + "/_lb/");
		Awaitility.await()
			.atMost(Duration.ofSeconds(15))
			.until(() -> browser.findElements(By.cssSelector("tr[data-pool]")).size() == 4);
		assertThat(browser.findElements(By.cssSelector("button"))).isEmpty();
		assertThat(browser.findElement(By.id("writes")).getText()).startsWith("Read-only:")
			.contains("management.endpoint.smartstick.access=unrestricted");
	}

}
