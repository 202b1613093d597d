package io.smartstick.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import reactor.core.publisher.Flux;

import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.handler.AsyncPredicate;
import org.springframework.cloud.gateway.handler.predicate.PredicateDefinition;
import org.springframework.cloud.gateway.handler.predicate.RoutePredicateFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.route.RouteDefinitionRouteLocator;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

/**
 * Builds one Gateway route per pool: its paths and hosts as Gateway's {@code Path} and
 * {@code Host} predicates, the pool's own Gateway filters (parsed by Gateway itself, in
 * its shortcut syntax), then smart-stick's route-scoped filters for the pool. A pool that
 * claims every request (the default pool without paths or hosts) is tried last. No route
 * serves the paths the load balancer serves itself (the actuator, the status endpoint).
 *
 * @author smart-stick
 */
public final class PoolRoutes {

	/**
	 * Route metadata key naming the pool a route serves.
	 */
	public static final String POOL_METADATA = "smartstick.pool";

	/**
	 * Prefix of every pool's route id, followed by the pool's name.
	 */
	public static final String ROUTE_ID_PREFIX = "smartstick-";

	private PoolRoutes() {
	}

	/**
	 * Build the routes.
	 * @param pools what each pool's route serves, in order
	 * @param smartStickFilters smart-stick's filters of the named pool's route
	 * @param excludedPathPrefixes paths the load balancer serves itself, each with
	 * everything below it
	 * @param predicateFactories Gateway's route predicate factories
	 * @param filterFactories Gateway's filter factories
	 * @param gatewayProperties Gateway's settings (its default filters apply to every
	 * route)
	 * @param configurationService binds predicate and filter arguments
	 * @return one route per pool, in the order of {@code pools}
	 * @throws UnbuildableRouteException naming the pool whose route Gateway could not build
	 */
	@SuppressWarnings("rawtypes") // RouteDefinitionRouteLocator takes Gateway's factories as raw types
	public static List<Route> build(List<Spec> pools, Function<String, List<GatewayFilter>> smartStickFilters,
			List<String> excludedPathPrefixes, List<RoutePredicateFactory> predicateFactories,
			List<GatewayFilterFactory> filterFactories, GatewayProperties gatewayProperties,
			ConfigurationService configurationService) {
		Map<String, Route> built = new LinkedHashMap<>();
		for (Spec pool : pools) {
			// one pool at a time, so that what Gateway rejects is known to be that pool's
			RouteDefinition definition = definition(pool);
			RouteDefinitionRouteLocator locator = new RouteDefinitionRouteLocator(() -> Flux.just(definition),
					predicateFactories, filterFactories, gatewayProperties, configurationService);
			try {
				for (Route route : locator.getRoutes().collectList().block(Duration.ofSeconds(30))) {
					built.put(route.getId(), route);
				}
			}
			catch (RuntimeException ex) {
				throw new UnbuildableRouteException(pool.name(), ex);
			}
		}
		ExcludedPaths excluded = new ExcludedPaths(excludedPathPrefixes);
		AsyncPredicate<ServerWebExchange> notExcluded = AsyncPredicate.from((exchange) -> !excluded.matches(exchange));
		List<Route> routes = new ArrayList<>();
		for (Spec pool : pools) {
			Route route = built.get(ROUTE_ID_PREFIX + pool.name());
			if (route == null) {
				throw new UnbuildableRouteException(pool.name());
			}
			List<GatewayFilter> filters = new ArrayList<>(route.getFilters());
			filters.addAll(smartStickFilters.apply(pool.name()));
			routes.add(Route.async()
				.id(route.getId())
				.uri(route.getUri())
				.order(route.getOrder())
				.asyncPredicate(route.getPredicate().and(notExcluded))
				.replaceMetadata(route.getMetadata())
				.replaceFilters(filters)
				.build());
		}
		return routes;
	}

	private static RouteDefinition definition(Spec pool) {
		RouteDefinition definition = new RouteDefinition();
		definition.setId(ROUTE_ID_PREFIX + pool.name());
		definition.setUri(java.net.URI.create("lb://" + pool.serviceId()));
		definition.setOrder((pool.order() != null) ? pool.order()
				: (pool.claimsEveryRequest() ? Ordered.LOWEST_PRECEDENCE : 0));
		List<PredicateDefinition> predicates = new ArrayList<>();
		if (!pool.paths().isEmpty()) {
			predicates.add(new PredicateDefinition("Path=" + String.join(",", pool.paths())));
		}
		if (!pool.hosts().isEmpty()) {
			predicates.add(new PredicateDefinition("Host=" + String.join(",", pool.hosts())));
		}
		definition.setPredicates(predicates);
		definition.setFilters(pool.filters().stream().map(FilterDefinition::new).toList());
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put(POOL_METADATA, pool.name());
		metadata.put(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR, (int) pool.connectTimeout().toMillis());
		// no Reactor timeout() on the parallel scheduler: the pool's response timeout is Reactor Netty's own, given
		// to each backend request by BackendRequestHook; a negative value also keeps Gateway's global one off
		metadata.put(RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR, -1L);
		definition.setMetadata(metadata);
		return definition;
	}

	/**
	 * The name of the Gateway filter a definition in shortcut syntax names.
	 * @param definition such as {@code StripPrefix=1}
	 * @return the name, such as {@code StripPrefix}
	 */
	public static String filterName(String definition) {
		int equals = definition.indexOf('=');
		return ((equals != -1) ? definition.substring(0, equals) : definition).trim();
	}

	/**
	 * What one pool's route serves.
	 *
	 * @param name the pool's name
	 * @param serviceId the service id its backends are registered under
	 * @param paths Gateway path patterns it claims, may be empty
	 * @param hosts Gateway host patterns it claims, may be empty
	 * @param order the route's order, or {@code null} for the default
	 * @param filters Gateway filter definitions in shortcut syntax
	 * @param connectTimeout time to connect to a backend
	 */
	public record Spec(String name, String serviceId, List<String> paths, List<String> hosts, Integer order,
			List<String> filters, Duration connectTimeout) {

		boolean claimsEveryRequest() {
			return this.paths.isEmpty() && this.hosts.isEmpty();
		}

	}

	/**
	 * Gateway could not build a pool's route from its definition: a filter or predicate
	 * argument it rejected.
	 */
	public static final class UnbuildableRouteException extends IllegalArgumentException {

		private final String pool;

		UnbuildableRouteException(String pool) {
			super("Gateway could not build the route of pool " + pool + " (see the warning Gateway logged)");
			this.pool = pool;
		}

		UnbuildableRouteException(String pool, Throwable cause) {
			super("Gateway could not build the route of pool " + pool + ": " + cause.getMessage(), cause);
			this.pool = pool;
		}

		/**
		 * Return the name of the pool whose route could not be built.
		 * @return the pool's name
		 */
		public String pool() {
			return this.pool;
		}

	}

}
