package io.smartstick.integration;

import java.io.IOException;

import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.RawHttp;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests as clients send them, malformed ones included, get the same answer on both
 * engines, over a raw socket. A request target that is not a URI (a character a URI may
 * not hold, a broken percent-escape) and a head HTTP/1.1 requires a server to reject (no
 * {@code Host} in an HTTP/1.1 request, two of them, a {@code Host} that is not a host and
 * port, a version that is not HTTP/1.x) are the client's mistakes: {@code 400}, and
 * nothing reaches a backend. An unusual but valid target is proxied as sent.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.enabled=false", "smartstick.proxy.retries=0" })
class MalformedRequestIntegrationTests {

	@RegisterExtension
	static final TestBackend backend = new TestBackend("0");

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend::url, 1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/%zz", "/%", "/echo%4", "/a|b", "/a{b}", "/a\"b", "/a<b>", "/a\\b", "/a^b", "/a`b",
			"/a[1]", "/echo?x=%zz", "/echo?x=|", "/a\u0000b" })
	void targetThatIsNotAUriIsAnswered400WithoutReachingTheBackend(String target) throws IOException {
		int before = backend.requestCount();
		String answer = RawHttp.get(this.port, target, "localhost");
		assertThat(answer).startsWith("HTTP/1.1 400 ");
		assertThat(backend.requestCount()).as("requests the backend received").isEqualTo(before);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/echo?q=[1]", "/echo?a=%41&b=%7e", "/echo/%C3%A9t%C3%A9", "/echo/caf%FF",
			"/echo/~user/(x)!$'*+,;=:@", "/echo//double/./../x" })
	void unusualButValidTargetIsProxiedAsSent(String target) throws IOException {
		String answer = RawHttp.get(this.port, target, "localhost");
		assertThat(answer).startsWith("HTTP/1.1 200 ").containsIgnoringCase("echo-target: " + target + "\r\n");
	}

	@ParameterizedTest
	@ValueSource(strings = { "GET /echo HTTP/1.1\r\n\r\n", "GET /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
			"GET /echo HTTP/1.1\r\nHost: exa mple\r\n\r\n", "GET /echo HTTP/1.1\r\nHost: example:99999\r\n\r\n",
			"GET /echo HTTP/9.9\r\nHost: localhost\r\n\r\n",
			"POST /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\nContent-Length: 3\r\n\r\nabc",
			"POST /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" })
	void headHttpRequiresAServerToRejectIsAnswered400AndClosed(String head) throws IOException {
		int before = backend.requestCount();
		assertThat(RawHttp.exchange(this.port, head)).startsWith("HTTP/1.1 400 ");
		assertThat(backend.requestCount()).as("requests the backend received").isEqualTo(before);
	}

	@Test
	void http10RequestWithoutAHostIsProxied() throws IOException {
		assertThat(RawHttp.exchange(this.port, "GET /echo HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.0 200 ")
			.containsIgnoringCase("echo-target: /echo\r\n");
	}

	@ParameterizedTest
	@ValueSource(strings = { "localhost", "localhost:8080", "127.0.0.1:8080", "[::1]:8080", "" })
	void hostNamesAddressesPortsAndAnEmptyHostAreProxied(String host) throws IOException {
		assertThat(RawHttp.get(this.port, "/echo", host)).startsWith("HTTP/1.1 200 ");
	}

}
