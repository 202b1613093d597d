package io.smartstick.routing;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static io.smartstick.routing.TestHeaders.lines;
import static io.smartstick.routing.TestHeaders.readOnly;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SinglePassRemoveHopByHopHeadersFilter}: the same headers as Gateway's
 * {@link RemoveHopByHopHeadersFilter}, whatever the settings and the headers.
 */
class SinglePassRemoveHopByHopHeadersFilterTests {

	private final ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/"));

	@Test
	void removesHopByHopHeadersAndTheConnectionOptionsKeepingTheRestInOrder() {
		HttpHeaders input = readOnly("Host", "lb.example.com", "Connection", "keep-alive, X-Secret",
				"Keep-Alive", "timeout=5", "x-secret", "s", "Accept", "text/plain", "Transfer-Encoding", "chunked",
				"Accept", "*/*", "Cookie", "a=1");
		HttpHeaders filtered = new SinglePassRemoveHopByHopHeadersFilter().filter(input, this.exchange);
		assertThat(lines(filtered)).containsExactly("Host: [lb.example.com]", "Accept: [text/plain, */*]",
				"Cookie: [a=1]");
		assertThat(input.get("Connection")).as("input untouched").containsExactly("keep-alive, X-Secret");
	}

	@Test
	void headersWithNothingToRemoveAreNotCopied() {
		HttpHeaders input = readOnly("Host", "lb.example.com", "Accept", "text/plain", "X-Forwarded-For", "192.0.2.1");
		assertThat(new SinglePassRemoveHopByHopHeadersFilter().filter(input, this.exchange)).isSameAs(input);
	}

	@Test
	void removesWhatGatewaysFilterRemovesForEverySettingAndHeaders() {
		List<Set<String>> settings = List.of(RemoveHopByHopHeadersFilter.HEADERS_REMOVED_ON_REQUEST,
				Set.of("X-Internal", "connection"), Set.of());
		List<String[]> inputs = List.of(new String[0], new String[] { "Host", "a", "Accept", "b" },
				new String[] { "host", "a", "CONNECTION", "close", "TE", "trailers", "Upgrade", "websocket" },
				new String[] { "Connection", "Upgrade, X-Internal", "Upgrade", "h2c", "x-internal", "1",
						"Proxy-Authorization", "Basic x", "X-Application-Context", "app", "Trailer", "Expires" },
				new String[] { "Connection", "keep-alive", "Connection", "x-a", "X-A", "1", "X-B", "2",
						"Proxy-Authenticate", "Basic", "Content-Length", "3" });
		int compared = 0;
		for (Set<String> removed : settings) {
			RemoveHopByHopHeadersFilter gateway = new RemoveHopByHopHeadersFilter();
			gateway.setHeaders(removed);
			RemoveHopByHopHeadersFilter singlePass = SinglePassRemoveHopByHopHeadersFilter.withSettingsOf(gateway);
			assertThat(singlePass.getHeaders()).isEqualTo(gateway.getHeaders());
			for (String[] input : inputs) {
				assertThat(lines(singlePass.filter(readOnly(input), this.exchange)))
					.as("removing %s from %s", removed, List.of(input))
					.isEqualTo(lines(gateway.filter(readOnly(input), this.exchange)));
				compared++;
			}
		}
		assertThat(compared).isEqualTo(settings.size() * inputs.size());
	}

	@Test
	void keepsTheOrderAndSettingsOfGatewaysFilter() {
		RemoveHopByHopHeadersFilter gateway = new RemoveHopByHopHeadersFilter();
		gateway.setOrder(42);
		gateway.setHeaders(Set.of("X-Drop"));
		RemoveHopByHopHeadersFilter singlePass = SinglePassRemoveHopByHopHeadersFilter.withSettingsOf(gateway);
		assertThat(singlePass.getOrder()).isEqualTo(42);
		assertThat(singlePass.supports(HttpHeadersFilter.Type.RESPONSE)).isTrue();
		HttpHeaders filtered = singlePass.filter(readOnly("x-drop", "1", "Connection", "close"),
				this.exchange);
		assertThat(lines(filtered)).containsExactly("Connection: [close]");
	}

}
