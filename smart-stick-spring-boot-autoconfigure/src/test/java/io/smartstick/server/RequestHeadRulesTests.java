package io.smartstick.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RequestHeadRules}.
 */
class RequestHeadRulesTests {

	@ParameterizedTest
	@ValueSource(strings = { "", "example.com", "example.com:8080", "127.0.0.1", "127.0.0.1:0", "[::1]",
			"[::1]:443", "[fe80::1:2]:65535", "my_host-1.example", "xn--bcher-kva.example", "a%20b", "host:" })
	void hostAndPortAreAccepted(String host) {
		assertThat(RequestHeadRules.isHostAndPort(host)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "exa mple", "example.com:99999", "example.com:123456", "example.com:80a",
			"example.com/path", "user@example.com", "[::1", "[]", "[::1]x", "example.com:80:80", "a%2", "a%zz",
			"h\tost", "h\u00e9st", "\"quoted\"" })
	void anythingElseIsNotAHost(String host) {
		assertThat(RequestHeadRules.isHostAndPort(host)).isFalse();
	}

	@Test
	void anHttp11RequestNeedsAHost() {
		assertThat(RequestHeadRules.problem(request(HttpVersion.HTTP_1_1))).contains("without a Host header");
		assertThat(RequestHeadRules.problem(request(HttpVersion.HTTP_1_0))).isNull();
	}

	@Test
	void twoHostsAreRejected() {
		HttpRequest request = request(HttpVersion.HTTP_1_1, "a.example", "b.example");
		assertThat(RequestHeadRules.problem(request)).contains("More than one Host");
	}

	@Test
	void onlyHttp1IsAccepted() {
		assertThat(RequestHeadRules.problem(request(HttpVersion.valueOf("HTTP/9.9"), "example.com")))
			.contains("Unsupported HTTP version: HTTP/9.9");
		assertThat(RequestHeadRules.problem(request(HttpVersion.valueOf("HTTP/1.2"), "example.com"))).isNull();
		assertThat(RequestHeadRules.problem(request(HttpVersion.HTTP_1_1, "example.com"))).isNull();
	}

	@Test
	void aRejectedHeadIsPassedOnAsMalformedAndTheRestOfTheConnectionIsDropped() {
		EmbeddedChannel channel = new EmbeddedChannel(new RequestHeadRules());
		HttpRequest head = request(HttpVersion.HTTP_1_1, "a.example", "b.example");
		HttpContent body = new DefaultHttpContent(Unpooled.copiedBuffer(new byte[] { 1, 2, 3 }));
		channel.writeInbound(head, body);
		HttpRequest passed = channel.readInbound();
		assertThat(passed).isSameAs(head);
		assertThat(passed.decoderResult().isFailure()).isTrue();
		assertThat(passed.decoderResult().cause()).hasMessage("More than one Host header");
		assertThat((Object) channel.readInbound()).as("body after a rejected head").isNull();
		assertThat(body.refCnt()).isZero();
		channel.finishAndReleaseAll();
	}

	@Test
	void aGoodHeadIsPassedOnUntouched() {
		EmbeddedChannel channel = new EmbeddedChannel(new RequestHeadRules());
		HttpRequest head = request(HttpVersion.HTTP_1_1, "example.com:8080");
		channel.writeInbound(head);
		HttpRequest passed = channel.readInbound();
		assertThat(passed.decoderResult().isSuccess()).isTrue();
		channel.finishAndReleaseAll();
	}

	private static HttpRequest request(HttpVersion version, String... hosts) {
		HttpRequest request = new DefaultHttpRequest(version, HttpMethod.GET, "/");
		for (String host : hosts) {
			request.headers().add("Host", host);
		}
		return request;
	}

}
