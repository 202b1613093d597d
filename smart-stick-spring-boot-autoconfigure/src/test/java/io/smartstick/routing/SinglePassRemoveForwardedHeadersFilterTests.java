package io.smartstick.routing;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static io.smartstick.routing.TestHeaders.lines;
import static io.smartstick.routing.TestHeaders.readOnly;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SinglePassRemoveForwardedHeadersFilter}: the same headers as Gateway's
 * {@link RemoveForwardedHeadersFilter}, copied only when there is one to remove.
 */
class SinglePassRemoveForwardedHeadersFilterTests {

	private final ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/"));

	private final RemoveForwardedHeadersFilter gateway = new RemoveForwardedHeadersFilter();

	private final SinglePassRemoveForwardedHeadersFilter filter = new SinglePassRemoveForwardedHeadersFilter();

	@Test
	void removesWhatGatewaysFilterRemoves() {
		List<String[]> inputs = List.of(new String[0], new String[] { "Host", "a", "Accept", "b" },
				new String[] { "Host", "a", "Forwarded", "for=192.0.2.1", "Accept", "b" },
				new String[] { "forwarded", "for=192.0.2.1", "FORWARDED", "proto=https", "X-Forwarded-For", "1" },
				new String[] { "Forwarded-Extra", "1", "X-Forwarded", "2", "Accept", "*/*", "Accept", "text/plain" });
		for (String[] input : inputs) {
			assertThat(lines(this.filter.filter(readOnly(input), this.exchange))).as("filtering %s", List.of(input))
				.isEqualTo(lines(this.gateway.filter(readOnly(input), this.exchange)));
		}
	}

	@Test
	void headersWithoutForwardedAreNotCopied() {
		HttpHeaders input = readOnly("Host", "a", "X-Forwarded-For", "192.0.2.1");
		assertThat(this.filter.filter(input, this.exchange)).isSameAs(input);
	}

	@Test
	void headersWithForwardedAreCopiedAndLeftUntouched() {
		HttpHeaders input = readOnly("Host", "a", "Forwarded", "for=192.0.2.1");
		HttpHeaders filtered = this.filter.filter(input, this.exchange);
		assertThat(lines(filtered)).containsExactly("Host: [a]");
		assertThat(input.get("Forwarded")).containsExactly("for=192.0.2.1");
	}

	@Test
	void keepsTheOrderOfGatewaysFilter() {
		assertThat(this.filter.getOrder()).isEqualTo(this.gateway.getOrder());
	}

}
