package io.smartstick.routing;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import io.smartstick.config.SmartStickProperties;

import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

/**
 * The Gateway route that sends every request, except the status endpoint and the
 * actuator, to the smart-stick pool through {@code lb://smart-stick}.
 *
 * @author smart-stick
 */
public final class SmartStickRoutes {

	/**
	 * Id of the smart-stick route.
	 */
	public static final String ROUTE_ID = "smart-stick";

	/**
	 * Service id under which Gateway's load-balancer filter asks for a backend.
	 */
	public static final String SERVICE_ID = "smart-stick";

	private SmartStickRoutes() {
	}

	/**
	 * Build the route locator.
	 * @param builder Gateway's route builder
	 * @param properties smart-stick settings
	 * @param excludedPathPrefixes path prefixes served by the load balancer itself, such as
	 * the actuator base path; each excludes itself and everything below it
	 * @return the route locator
	 */
	public static RouteLocator routeLocator(RouteLocatorBuilder builder, SmartStickProperties properties,
			List<String> excludedPathPrefixes) {
		ExcludedPaths excluded = new ExcludedPaths(excludedPaths(properties, excludedPathPrefixes));
		return builder.routes()
			.route(ROUTE_ID,
					(route) -> route.order(Ordered.LOWEST_PRECEDENCE)
						.predicate((ServerWebExchange exchange) -> !excluded.matches(exchange))
						.metadata(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR,
								(int) properties.getProxy().getConnectTimeout().toMillis())
						.metadata(RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR,
								properties.getProxy().getResponseTimeout().toMillis())
						.uri("lb://" + SERVICE_ID))
			.build();
	}

	/**
	 * Build the handler mapping that looks the route up before the others when no handler
	 * of the application's own could be shadowed.
	 * @param gateway Gateway's handler mapping
	 * @param properties smart-stick settings
	 * @param excludedPathPrefixes path prefixes served by the load balancer itself, as given
	 * to {@link #routeLocator}
	 * @param context the context whose handler mappings are checked once it is refreshed
	 * @return the handler mapping
	 */
	public static RouteFirstHandlerMapping routeFirstHandlerMapping(RoutePredicateHandlerMapping gateway,
			SmartStickProperties properties, List<String> excludedPathPrefixes, ApplicationContext context) {
		return new RouteFirstHandlerMapping(gateway, new ExcludedPaths(excludedPaths(properties, excludedPathPrefixes)),
				context);
	}

	/**
	 * Whether a URL points at the smart-stick service: {@code lb://smart-stick}, with any
	 * path.
	 * @param url a route's or request's URL, may be {@code null}
	 * @return {@code true} for URLs the sticky balancer resolves
	 */
	public static boolean isBalanced(URI url) {
		return url != null && "lb".equals(url.getScheme()) && SERVICE_ID.equals(url.getHost());
	}

	/**
	 * Whether Gateway matched the exchange to the smart-stick route.
	 * @param exchange the exchange
	 * @return {@code true} for requests smart-stick balances
	 */
	public static boolean isSmartStickRoute(ServerWebExchange exchange) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		return route != null && ROUTE_ID.equals(route.getId());
	}

	private static List<String> excludedPaths(SmartStickProperties properties, List<String> prefixes) {
		List<String> paths = new ArrayList<>(prefixes);
		if (properties.getStatus().isEnabled()) {
			paths.add(properties.getStatus().getPath());
		}
		return paths;
	}

}
