package io.smartstick.integration;

import java.time.Duration;

import io.smartstick.test.StickyRequests;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two load balancer instances sharing a cookie secret and nothing else: each honours the
 * other's cookies, and neither accepts a forged or unsigned one. New clients are spread
 * by weighted random.
 */
class SharedSecretIntegrationTests {

	static final TestBackend backend0 = new TestBackend("0");

	static final TestBackend backend1 = new TestBackend("1");

	static ConfigurableApplicationContext first;

	static ConfigurableApplicationContext second;

	@BeforeAll
	static void startTwoInstances() {
		first = start();
		second = start();
	}

	@AfterAll
	static void stopAll() {
		first.close();
		second.close();
		backend0.close();
		backend1.close();
	}

	@Test
	void cookieFromOneInstanceIsHonouredByTheOther() {
		EntityExchangeResult<String> fromFirst = StickyRequests.get(client(first), null);
		ResponseCookie cookie = fromFirst.getResponseCookies().getFirst("X-Backend-ID");
		String backendId = fromFirst.getResponseHeaders().getFirst("x-backend-id");
		assertThat(cookie.getValue()).startsWith(backendId + ".").hasSizeGreaterThan(backendId.length() + 16);
		for (int i = 0; i < 5; i++) {
			EntityExchangeResult<String> fromSecond = StickyRequests.get(client(second), cookie.getValue());
			assertThat(fromSecond.getResponseHeaders().getFirst("x-backend-id")).isEqualTo(backendId);
			assertThat(fromSecond.getResponseCookies().get("X-Backend-ID")).isNull();
		}
	}

	@Test
	void unsignedOrForgedCookieIsTreatedAsAbsent() {
		String signedForOne = signedValueFor("1");
		String forged = "0" + signedForOne.substring(1);
		for (String value : new String[] { "1", "0", forged, signedForOne + "x", signedForOne.toUpperCase() }) {
			EntityExchangeResult<String> result = StickyRequests.get(client(second), value);
			assertThat(result.getResponseCookies().getFirst("X-Backend-ID")).as("cookie %s", value).isNotNull();
		}
	}

	@Test
	void weightedRandomSpreadsNewClientsThreeToOne() {
		// 600 clients at p = 0.75: one standard deviation is 1.8 points; allow 7 points (about 4 deviations)
		WebTestClient client = client(first);
		int toHeavier = 0;
		int total = 600;
		for (int i = 0; i < total; i++) {
			if ("0".equals(StickyRequests.get(client, null).getResponseHeaders().getFirst("x-backend-id"))) {
				toHeavier++;
			}
		}
		assertThat(toHeavier / (double) total).isBetween(0.68, 0.82);
	}

	private String signedValueFor(String backendId) {
		return StickyRequests.cookieFor(client(first), backendId, 200);
	}

	private static WebTestClient client(ConfigurableApplicationContext context) {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + port)
			.responseTimeout(Duration.ofSeconds(10))
			.build();
	}

	private static ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(TestApplication.class).run("--server.port=0",
				"--smartstick.strategy=random", "--smartstick.sticky.secret=shared between instances",
				"--smartstick.backends[0].id=0", "--smartstick.backends[0].url=" + backend0.url(),
				"--smartstick.backends[0].weight=3", "--smartstick.backends[1].id=1",
				"--smartstick.backends[1].url=" + backend1.url(), "--spring.main.banner-mode=off");
	}

}
