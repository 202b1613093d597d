package io.smartstick.routing;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.filter.headers.XForwardedHeadersFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static io.smartstick.routing.TestHeaders.lines;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SinglePassXForwardedHeadersFilter}: the same headers as Gateway's
 * {@link XForwardedHeadersFilter}, whatever the settings and the request.
 */
class SinglePassXForwardedHeadersFilterTests {

	private static final String LOOPBACK_AND_TEN = "127\\.0\\.0\\.1|10\\..*";

	@Test
	void appendsTheClientAndDescribesTheRequestAsGatewayDoes() {
		ServerWebExchange exchange = exchange("http://lb.example.com:8080/orders", "192.0.2.5",
				Map.of("X-Forwarded-For", List.of("203.0.113.7")));
		HttpHeaders headers = new SinglePassXForwardedHeadersFilter(".*").filter(exchange.getRequest().getHeaders(),
				exchange);
		assertThat(headers.get("X-Forwarded-For")).containsExactly("203.0.113.7,192.0.2.5");
		assertThat(headers.get("X-Forwarded-Proto")).containsExactly("http");
		assertThat(headers.get("X-Forwarded-Port")).containsExactly("8080");
		assertThat(headers.get("X-Forwarded-Host")).containsExactly("lb.example.com:8080");
		assertThat(headers.get("X-Forwarded-Prefix")).isNull();
	}

	@Test
	void dropsForwardedForEntriesFromUntrustedAddresses() {
		ServerWebExchange exchange = exchange("https://lb.example.com/", "10.0.0.2",
				Map.of("X-Forwarded-For", List.of("10.9.9.9", "198.51.100.1")));
		HttpHeaders headers = new SinglePassXForwardedHeadersFilter(LOOPBACK_AND_TEN)
			.filter(exchange.getRequest().getHeaders(), exchange);
		assertThat(headers.get("X-Forwarded-For")).containsExactly("10.9.9.9,10.0.0.2");
		assertThat(headers.get("X-Forwarded-Port")).containsExactly("443");
		assertThat(headers.get("X-Forwarded-Host")).containsExactly("lb.example.com");
	}

	@Test
	void leavesTheIncomingHeadersUntouched() {
		ServerWebExchange exchange = exchange("http://lb.example.com/", "192.0.2.5",
				Map.of("X-Forwarded-For", List.of("203.0.113.7")));
		new SinglePassXForwardedHeadersFilter(".*").filter(exchange.getRequest().getHeaders(), exchange);
		assertThat(exchange.getRequest().getHeaders().get("X-Forwarded-For")).containsExactly("203.0.113.7");
	}

	@Test
	void writesWhatGatewaysFilterWritesForEverySettingAndRequest() {
		int compared = 0;
		for (String trustedProxies : List.of(".*", LOOPBACK_AND_TEN)) {
			for (Consumer<XForwardedHeadersFilter> settings : settings()) {
				XForwardedHeadersFilter gateway = new XForwardedHeadersFilter(trustedProxies);
				settings.accept(gateway);
				XForwardedHeadersFilter singlePass = SinglePassXForwardedHeadersFilter.withSettingsOf(gateway,
						trustedProxies);
				for (String url : List.of("http://lb.example.com/prefix/get", "http://lb.example.com:8080/a/b/",
						"https://lb.example.com/x", "https://lb.example.com:8443/", "http://lb.example.com:443/",
						"https://lb.example.com:443/p", "http://lb.example.com:80/")) {
					for (String remote : new String[] { "127.0.0.1", "10.1.2.3", "203.0.113.9", null }) {
						for (Map<String, List<String>> arrived : arrivedHeaders()) {
							for (List<String> prefixUrls : prefixAttributes()) {
								assertSameHeaders(gateway, singlePass, url, remote, arrived, prefixUrls);
								compared++;
							}
						}
					}
				}
			}
		}
		assertThat(compared).isEqualTo(2 * settings().size() * 7 * 4 * arrivedHeaders().size()
				* prefixAttributes().size());
	}

	private static void assertSameHeaders(XForwardedHeadersFilter gateway, XForwardedHeadersFilter singlePass,
			String url, String remote, Map<String, List<String>> arrived, List<String> prefixUrls) {
		ServerWebExchange expectedExchange = exchange(url, remote, arrived, prefixUrls);
		ServerWebExchange actualExchange = exchange(url, remote, arrived, prefixUrls);
		HttpHeaders expected = gateway.filter(expectedExchange.getRequest().getHeaders(), expectedExchange);
		HttpHeaders actual = singlePass.filter(actualExchange.getRequest().getHeaders(), actualExchange);
		assertThat(lines(actual))
			.as("%s from %s with %s, original URLs %s, settings for=%s/%s host=%s/%s port=%s/%s proto=%s/%s "
					+ "prefix=%s/%s", url, remote, arrived, prefixUrls, gateway.isForEnabled(),
					gateway.isForAppend(), gateway.isHostEnabled(), gateway.isHostAppend(), gateway.isPortEnabled(),
					gateway.isPortAppend(), gateway.isProtoEnabled(), gateway.isProtoAppend(),
					gateway.isPrefixEnabled(), gateway.isPrefixAppend())
			.isEqualTo(lines(expected));
	}

	private static List<Consumer<XForwardedHeadersFilter>> settings() {
		return List.of((filter) -> {
		}, (filter) -> {
			filter.setForAppend(false);
			filter.setHostAppend(false);
			filter.setPortAppend(false);
			filter.setProtoAppend(false);
			filter.setPrefixAppend(false);
		}, (filter) -> {
			filter.setForEnabled(false);
			filter.setPrefixEnabled(false);
		}, (filter) -> {
			filter.setHostEnabled(false);
			filter.setPortEnabled(false);
			filter.setProtoEnabled(false);
			filter.setPortAppend(false);
		});
	}

	private static List<Map<String, List<String>>> arrivedHeaders() {
		return List.of(Map.of(), Map.of("X-Forwarded-For", List.of("203.0.113.7")),
				Map.of("x-forwarded-for", List.of("10.0.0.1", "198.51.100.2"), "Accept", List.of("text/plain")),
				Map.of("X-Forwarded-For", List.of("10.0.0.1, 198.51.100.2")),
				Map.of("X-Forwarded-Proto", List.of("https"), "X-Forwarded-Host", List.of("a.example"),
						"X-Forwarded-Port", List.of("443"), "X-Forwarded-Prefix", List.of("/p")));
	}

	private static List<List<String>> prefixAttributes() {
		return List.of(List.of(), List.of("http://lb.example.com/prefix/get", "http://backend:9000/get"),
				List.of("http://lb.example.com/", "http://backend:9000/"),
				List.of("http://lb.example.com/a/b/", "lb://smart-stick/a/b/", "http://backend:9000/b"),
				List.of("http://lb.example.com/x", "http://backend:9000/api/x"));
	}

	private static ServerWebExchange exchange(String url, String remote, Map<String, List<String>> arrived) {
		return exchange(url, remote, arrived, List.of());
	}

	/**
	 * An exchange for {@code url}; {@code prefixUrls}, when not empty, are the original
	 * URLs of the request followed by the URL it is routed to.
	 */
	private static ServerWebExchange exchange(String url, String remote, Map<String, List<String>> arrived,
			List<String> prefixUrls) {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get(url);
		if (remote != null) {
			request.remoteAddress(new InetSocketAddress(remote, 40000));
		}
		arrived.forEach((name, values) -> request.header(name, values.toArray(String[]::new)));
		MockServerWebExchange exchange = MockServerWebExchange.from(request);
		if (!prefixUrls.isEmpty()) {
			LinkedHashSet<URI> originals = new LinkedHashSet<>();
			for (String original : prefixUrls.subList(0, prefixUrls.size() - 1)) {
				originals.add(URI.create(original));
			}
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ORIGINAL_REQUEST_URL_ATTR, originals);
			exchange.getAttributes()
				.put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, URI.create(prefixUrls.get(prefixUrls.size() - 1)));
		}
		return exchange;
	}

}
