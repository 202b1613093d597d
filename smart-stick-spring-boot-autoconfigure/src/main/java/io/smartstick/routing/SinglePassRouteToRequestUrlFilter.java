package io.smartstick.routing;

import java.net.URI;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.web.server.ServerWebExchange;

/**
 * Gateway's {@link RouteToRequestUrlFilter} with the URL of smart-stick's route built in
 * one pass: the pool's {@code lb://} service followed by the request's raw path and query, as the
 * sticky balancer forwards them. Gateway's own filter parses the request's URL into a
 * {@code UriComponentsBuilder}, replaces its scheme, host and port and parses the result
 * again (about 3.5 us of a proxied request in the profiles), re-serialising the query on
 * the way ({@code a=1&&b} becomes {@code a=1&b}, an empty query disappears), which the
 * balancer then ignores. The routes of the application go through Gateway's code.
 *
 * @author smart-stick
 * @see SinglePassFiltersPostProcessor
 */
public class SinglePassRouteToRequestUrlFilter extends RouteToRequestUrlFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		if (route == null || !SmartStickRoutes.isPoolRoute(route) || !"lb".equals(route.getUri().getScheme())) {
			return super.filter(exchange, chain);
		}
		URI requested = exchange.getRequest().getURI();
		String path = requested.getRawPath();
		String query = requested.getRawQuery();
		String url = "lb://" + route.getUri().getRawAuthority() + ((path != null) ? path : "")
				+ ((query != null) ? "?" + query : "");
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, URI.create(url));
		return chain.filter(exchange);
	}

}
