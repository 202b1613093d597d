package io.smartstick.integration;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.RawHttp;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request heads HTTP/1.1 requires a server to reject get {@code 400} on both engines,
 * their connection is closed, and nothing of them reaches a backend: no {@code Host} in
 * an HTTP/1.1 request, two of them, a {@code Host} that is not a host and port, a version
 * that is not HTTP/1.x.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.enabled=false", "smartstick.proxy.retries=0" })
class RequestHeadIntegrationTests {

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
	@ValueSource(strings = { "GET /echo HTTP/1.1\r\n\r\n", "GET /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
			"GET /echo HTTP/1.1\r\nHost: exa mple\r\n\r\n", "GET /echo HTTP/1.1\r\nHost: example:99999\r\n\r\n",
			"GET /echo HTTP/9.9\r\nHost: localhost\r\n\r\n",
			"POST /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\nContent-Length: 3\r\n\r\nabc",
			"POST /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" })
	void headHttpRequiresAServerToRejectIsAnswered400AndClosed(String head) throws IOException {
		int before = backend.requestCount();
		try (Socket socket = RawHttp.connect(this.port)) {
			RawHttp.send(socket, head);
			assertThat(RawHttp.readUntilClosed(socket, Duration.ofSeconds(10))).startsWith("HTTP/1.1 400 ");
		}
		assertThat(backend.requestCount()).as("requests the backend received").isEqualTo(before);
	}

	@Test
	void http10RequestWithoutAHostIsProxied() throws IOException {
		try (Socket socket = RawHttp.connect(this.port)) {
			RawHttp.send(socket, "GET /echo HTTP/1.0\r\n\r\n");
			assertThat(RawHttp.readUntilClosed(socket, Duration.ofSeconds(10))).startsWith("HTTP/1.0 200 ")
				.containsIgnoringCase("echo-target: /echo\r\n");
		}
	}

	@Test
	void hostWithAPortOrAnIpLiteralIsProxied() throws IOException {
		assertThat(RawHttp.exchange(this.port, "GET", "/echo", "")).startsWith("HTTP/1.1 200 ");
		try (Socket socket = RawHttp.connect(this.port)) {
			RawHttp.send(socket, "GET /echo HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n");
			assertThat(RawHttp.readUntilClosed(socket, Duration.ofSeconds(10))).startsWith("HTTP/1.1 200 ");
		}
	}

}
