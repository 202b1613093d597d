package io.smartstick.routing;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;

/**
 * The twin of a route whose requests go out on fresh backend connections. Gateway's
 * routing filter gives a route with its own connect timeout a client with that channel
 * option, and Reactor Netty keeps a separate pool of connections for each distinct set of
 * channel options: the twin's connect timeout is one millisecond longer than the
 * route's (shorter at the largest value), so its requests never take one of the route's
 * pooled connections, and
 * {@link ConnectionUse} closes each of its connections after use, so its own pool never
 * holds an idle one either. Everything else (id, URI, order, predicate, filters, response
 * timeout) is the route's.
 *
 * @author smart-stick
 */
final class FreshConnectionRoute {

	/**
	 * Netty's connect timeout when none is configured.
	 */
	private static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 30_000;

	private volatile Twin twin;

	/**
	 * Return the twin of a route, built once per route instance.
	 * @param route the route
	 * @return its fresh-connection twin
	 */
	Route of(Route route) {
		Twin twin = this.twin;
		if (twin == null || twin.route() != route) {
			twin = new Twin(route, build(route));
			this.twin = twin;
		}
		return twin.fresh();
	}

	static Route build(Route route) {
		Map<String, Object> metadata = new LinkedHashMap<>(route.getMetadata());
		Object connectTimeout = metadata.get(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR);
		int millis = (connectTimeout != null) ? Integer.parseInt(connectTimeout.toString().trim())
				: DEFAULT_CONNECT_TIMEOUT_MILLIS;
		// any other value would do: a different set of channel options is a different pool
		metadata.put(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR, (millis < Integer.MAX_VALUE) ? millis + 1 : millis - 1);
		return Route.async()
			.id(route.getId())
			.uri(route.getUri())
			.order(route.getOrder())
			.asyncPredicate(route.getPredicate())
			.replaceFilters(route.getFilters())
			.replaceMetadata(metadata)
			.build();
	}

	private record Twin(Route route, Route fresh) {
	}

}
