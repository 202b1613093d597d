package io.smartstick.routing;

import io.smartstick.balancer.Backend;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.web.server.ServerWebExchange;

/**
 * Names and checks shared by smart-stick's pool routes and the beans that look them up.
 *
 * @author smart-stick
 */
public final class SmartStickRoutes {

	/**
	 * Service id of the default pool, under which other Spring Cloud LoadBalancer clients
	 * (a {@code @LoadBalanced} {@code WebClient}, say) get its sticky decision.
	 */
	public static final String SERVICE_ID = "smart-stick";

	private SmartStickRoutes() {
	}

	/**
	 * Return the service id a pool's backends are registered under.
	 * @param pool the pool's name
	 * @return {@value #SERVICE_ID} for the default pool, {@code smartstick-<name>} for the
	 * others
	 */
	public static String serviceId(String pool) {
		return Backend.DEFAULT_POOL.equals(pool) ? SERVICE_ID : PoolRoutes.ROUTE_ID_PREFIX + pool;
	}

	/**
	 * Whether a route is the route of one of smart-stick's pools.
	 * @param route a route
	 * @return {@code true} for a pool's route
	 */
	public static boolean isPoolRoute(Route route) {
		return route.getMetadata().containsKey(PoolRoutes.POOL_METADATA);
	}

	/**
	 * Whether Gateway matched the exchange to one of smart-stick's pool routes.
	 * @param exchange the exchange
	 * @return {@code true} for requests smart-stick balances
	 */
	public static boolean isSmartStickRoute(ServerWebExchange exchange) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		return route != null && isPoolRoute(route);
	}

}
