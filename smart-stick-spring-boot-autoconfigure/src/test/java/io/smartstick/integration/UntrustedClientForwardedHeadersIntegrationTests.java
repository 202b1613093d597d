package io.smartstick.integration;

import java.util.concurrent.TimeUnit;

import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.TestBackend;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that is not a trusted proxy cannot make a backend believe forwarding headers
 * it made up: they are replaced by what the load balancer saw. Loopback is made
 * untrusted here, since the tests' clients come from it.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.sticky.trusted-proxies=10\\.9\\.8\\.7", "smartstick.health.enabled=false" })
class UntrustedClientForwardedHeadersIntegrationTests {

	@RegisterExtension
	static final TestBackend backend = new TestBackend("0");

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend::url, 1);
	}

	@Test
	void forwardingHeadersOfAnUntrustedClientAreReplacedByWhatTheLoadBalancerSaw() throws InterruptedException {
		LoadBalancerTests.client(this.port)
			.get()
			.uri("/spoofed?reset=1")
			.header("X-Forwarded-For", "1.2.3.4")
			.header("X-Forwarded-Host", "evil.example")
			.header("X-Forwarded-Proto", "https")
			.header("X-Forwarded-Port", "443")
			.header("X-Forwarded-Prefix", "/evil")
			.header("Forwarded", "for=1.2.3.4;host=evil.example;proto=https")
			.exchange()
			.expectStatus()
			.isOk();
		RecordedRequest received = backend.server().takeRequest(5, TimeUnit.SECONDS);
		assertThat(received).isNotNull();
		assertThat(received.getHeaders().values("X-Forwarded-For")).containsExactly("127.0.0.1");
		assertThat(received.getHeaders().values("X-Forwarded-Host")).containsExactly("127.0.0.1:" + this.port);
		assertThat(received.getHeaders().values("X-Forwarded-Proto")).containsExactly("http");
		assertThat(received.getHeaders().values("X-Forwarded-Port")).containsExactly(String.valueOf(this.port));
		assertThat(received.getHeaders().values("X-Forwarded-Prefix")).isEmpty();
		assertThat(received.getHeaders().values("Forwarded")).isEmpty();
	}

	@Test
	void anUntrustedClientsHttpsClaimDoesNotMakeTheStickyCookieSecure() {
		var cookie = LoadBalancerTests.client(this.port)
			.get()
			.uri("/")
			.header("X-Forwarded-Proto", "https")
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseCookies()
			.getFirst("X-Backend-ID");
		assertThat(cookie).isNotNull();
		assertThat(cookie.isSecure()).isFalse();
	}

}
