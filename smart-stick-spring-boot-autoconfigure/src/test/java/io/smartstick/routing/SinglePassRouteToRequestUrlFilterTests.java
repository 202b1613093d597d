package io.smartstick.routing;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SinglePassRouteToRequestUrlFilter} points smart-stick's route at
 * the pool's {@code lb://} service with the request's raw path and query, and leaves everything
 * else as Gateway's {@link RouteToRequestUrlFilter} does.
 */
class SinglePassRouteToRequestUrlFilterTests {

	private static final Route SMART_STICK = Route.async()
		.id(PoolRoutes.ROUTE_ID_PREFIX + "api")
		.uri(URI.create("lb://smartstick-api"))
		.predicate((exchange) -> true)
		.metadata(PoolRoutes.POOL_METADATA, "api")
		.build();

	private static final Route OTHER_BALANCED = route("orders", "lb://orders");

	private static final Route OTHER_HTTP = route("static", "http://127.0.0.1:8081");

	private static final Route OTHER_SCHEME_PREFIXED = route("prefixed", "ws:http://127.0.0.1:8081");

	@ParameterizedTest
	@ValueSource(strings = { "http://127.0.0.1:3001/", "http://127.0.0.1:3001/orders",
			"http://127.0.0.1:3001/orders/42?id=1&sort=asc", "http://127.0.0.1:3001/a/b/?x", "http://127.0.0.1:3001/?",
			"http://127.0.0.1:3001/?a=b=c&&d", "http://lb.example.com/api/v1/items;matrix=1?q=a+b",
			"http://127.0.0.1:3001/caf%C3%A9?name=%E2%82%AC", "http://127.0.0.1:3001/100%25?x=%41",
			"http://127.0.0.1:3001/a%2Fb", "http://127.0.0.1:3001/café?ü=ö",
			"http://127.0.0.1:3001/a:b@c/$&'()*+,=?k=~!", "http://[::1]:3001/v6?x=1", "https://127.0.0.1/tls",
			"http://127.0.0.1:3001//double//slash" })
	void leavesTheUrlGatewaysFilterLeaves(String requested) {
		for (Route route : new Route[] { SMART_STICK, OTHER_BALANCED, OTHER_HTTP, OTHER_SCHEME_PREFIXED }) {
			Map<String, Object> gateways = filtered(new RouteToRequestUrlFilter(), route, requested);
			Map<String, Object> singlePass = filtered(new SinglePassRouteToRequestUrlFilter(), route, requested);
			URI url = (URI) singlePass.remove(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
			URI gatewaysUrl = (URI) gateways.remove(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
			assertThat(singlePass).as(route.getId() + " " + requested).isEqualTo(gateways);
			if (route != SMART_STICK) {
				assertThat(url).isEqualTo(gatewaysUrl);
				continue;
			}
			URI raw = URI.create(requested);
			assertThat(url.toString()).isEqualTo("lb://smartstick-api" + raw.getRawPath()
					+ ((raw.getRawQuery() != null) ? "?" + raw.getRawQuery() : ""));
			assertThat(url.getScheme()).isEqualTo(gatewaysUrl.getScheme());
			assertThat(url.getHost()).isEqualTo(gatewaysUrl.getHost());
			assertThat(url.getPort()).isEqualTo(gatewaysUrl.getPort());
			assertThat(url.getRawPath()).isEqualTo(raw.getRawPath());
		}
	}

	private static Route route(String id, String uri) {
		return Route.async().id(id).uri(URI.create(uri)).predicate((exchange) -> true).build();
	}

	private static Map<String, Object> filtered(GlobalFilter filter, Route route, String requested) {
		ServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.method(HttpMethod.GET, URI.create(requested)));
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route);
		Map<String, Object> seenByTheNextFilter = new HashMap<>();
		GatewayFilterChain chain = (next) -> {
			seenByTheNextFilter.putAll(next.getAttributes());
			seenByTheNextFilter.remove(ServerWebExchange.LOG_ID_ATTRIBUTE);
			return Mono.empty();
		};
		filter.filter(exchange, chain).block();
		return seenByTheNextFilter;
	}

}
