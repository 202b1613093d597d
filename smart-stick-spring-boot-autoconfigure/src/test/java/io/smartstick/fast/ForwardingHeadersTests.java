package io.smartstick.fast;

import java.net.InetSocketAddress;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ForwardingHeaders}: the fast engine's header policy, the same as the
 * Gateway engine's with Gateway's default settings.
 */
class ForwardingHeadersTests {

	private final ForwardingHeaders policy = new ForwardingHeaders(ForwardingHeaders.Settings.DEFAULTS,
			(address) -> address.startsWith("10."));

	@Test
	void hopByHopHeadersAndThoseTheConnectionHeaderNamesAreRemoved() {
		HttpHeaders inbound = headers("Host", "lb.example:8080", "Connection", "keep-alive, X-Secret",
				"Keep-Alive", "timeout=5", "Transfer-Encoding", "chunked", "TE", "trailers", "Upgrade", "h2c",
				"Proxy-Authorization", "Basic eA==", "X-Secret", "1", "Accept", "text/plain");
		HttpHeaders outbound = this.policy.outbound(inbound, peer("203.0.113.9"), "http");
		assertThat(outbound.names()).containsExactlyInAnyOrder("Accept", "X-Forwarded-For", "X-Forwarded-Host",
				"X-Forwarded-Port", "X-Forwarded-Proto");
	}

	@Test
	void forwardingHeadersOfAnUntrustedPeerAreReplacedByWhatTheLoadBalancerSaw() {
		HttpHeaders inbound = headers("Host", "lb.example:8080", "X-Forwarded-For", "1.2.3.4",
				"X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https", "X-Forwarded-Port", "443",
				"X-Forwarded-Prefix", "/evil", "Forwarded", "for=1.2.3.4");
		HttpHeaders outbound = this.policy.outbound(inbound, peer("203.0.113.9"), "http");
		assertThat(outbound.getAll("X-Forwarded-For")).containsExactly("203.0.113.9");
		assertThat(outbound.getAll("X-Forwarded-Host")).containsExactly("lb.example:8080");
		assertThat(outbound.getAll("X-Forwarded-Port")).containsExactly("8080");
		assertThat(outbound.getAll("X-Forwarded-Proto")).containsExactly("http");
		assertThat(outbound.contains("X-Forwarded-Prefix")).isFalse();
		assertThat(outbound.contains("Forwarded")).isFalse();
	}

	@Test
	void aTrustedProxysChainIsKeptAndThisHopAppended() {
		HttpHeaders inbound = headers("Host", "lb.example", "X-Forwarded-For", "198.51.100.7, 10.0.0.2",
				"X-Forwarded-Proto", "https");
		HttpHeaders outbound = this.policy.outbound(inbound, peer("10.0.0.3"), "http");
		assertThat(outbound.get("X-Forwarded-For")).isEqualTo("198.51.100.7, 10.0.0.2,10.0.0.3");
		assertThat(outbound.get("X-Forwarded-Proto")).isEqualTo("https,http");
		assertThat(outbound.get("X-Forwarded-Port")).isEqualTo("80");
	}

	@Test
	void disabledSettingsWriteNoForwardingHeaders() {
		ForwardingHeaders off = new ForwardingHeaders(
				new ForwardingHeaders.Settings(false, true, true, true, true, true, true, true, true),
				(address) -> false);
		HttpHeaders outbound = off.outbound(headers("Host", "lb.example", "Accept", "*/*"), peer("203.0.113.9"),
				"https");
		assertThat(outbound.names()).containsExactly("Accept");
	}

	private static InetSocketAddress peer(String address) {
		return new InetSocketAddress(address, 50000);
	}

	private static HttpHeaders headers(String... namesAndValues) {
		HttpHeaders headers = new DefaultHttpHeaders();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			headers.add(namesAndValues[i], namesAndValues[i + 1]);
		}
		return headers;
	}

}
