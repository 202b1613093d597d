package io.smartstick.integration;

import java.io.IOException;

import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.RawHttp;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request targets as clients send them, malformed ones included, get the same answer on
 * both engines: one that is not a URI (a character a URI may not hold, a broken
 * percent-escape) is the client's mistake, answered 400 without reaching a backend;
 * an unusual but valid one is proxied as sent.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.enabled=false", "smartstick.proxy.retries=0" })
class RequestTargetIntegrationTests {

	static final TestBackend backend = new TestBackend("0");

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend::url, 1);
	}

	@AfterAll
	static void stopBackend() {
		backend.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/%zz", "/%", "/echo%4", "/a|b", "/a{b}", "/a\"b", "/a<b>", "/a\\b", "/a^b", "/a`b",
			"/a[1]", "/echo?x=%zz", "/echo?x=|", "/a\u0000b" })
	void targetThatIsNotAUriIsAnswered400WithoutReachingTheBackend(String target) throws IOException {
		int before = backend.requestCount();
		String answer = RawHttp.exchange(this.port, "GET", target, "");
		assertThat(answer).startsWith("HTTP/1.1 400 ");
		assertThat(backend.requestCount()).as("requests the backend received").isEqualTo(before);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/echo?q=[1]", "/echo?a=%41&b=%7e", "/echo/%C3%A9t%C3%A9", "/echo/caf%FF",
			"/echo/~user/(x)!$'*+,;=:@", "/echo//double/./../x" })
	void unusualButValidTargetIsProxiedAsSent(String target) throws IOException {
		String answer = RawHttp.exchange(this.port, "GET", target, "");
		assertThat(answer).startsWith("HTTP/1.1 200 ").containsIgnoringCase("echo-target: " + target + "\r\n");
	}

}
