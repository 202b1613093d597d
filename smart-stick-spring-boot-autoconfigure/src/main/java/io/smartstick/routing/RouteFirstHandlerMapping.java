package io.smartstick.routing;

import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.method.AbstractHandlerMethodMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Looks smart-stick's route up first, before Actuator's and every other handler mapping,
 * when that cannot change which handler serves a request: when every handler mapping
 * ordered before Gateway's serves only paths the route excludes anyway (the Actuator base
 * path, the status endpoint). A proxied request then skips their lookups (Actuator's alone
 * cost about 2 % of a proxied request's CPU time). As soon as the application declares a
 * handler of its own elsewhere (a controller, a router function, another mapping), this
 * mapping steps aside and the usual order applies: the application's handlers first, the
 * route last. Decided once the context is refreshed; until then it steps aside too.
 *
 * @author smart-stick
 */
public class RouteFirstHandlerMapping implements HandlerMapping, Ordered, ApplicationListener<ContextRefreshedEvent> {

	/**
	 * Order of this mapping: before all others, including Actuator's.
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

	private static final Log logger = LogFactory.getLog(RouteFirstHandlerMapping.class);

	private final RoutePredicateHandlerMapping gateway;

	private final ExcludedPaths excluded;

	private final ApplicationContext context;

	private volatile boolean routeFirst;

	/**
	 * Create a mapping.
	 * @param gateway Gateway's handler mapping, which finds the route
	 * @param excluded the paths the route excludes, served by the load balancer itself
	 * @param context the context whose handler mappings are checked
	 */
	RouteFirstHandlerMapping(RoutePredicateHandlerMapping gateway, ExcludedPaths excluded,
			ApplicationContext context) {
		this.gateway = gateway;
		this.excluded = excluded;
		this.context = context;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/**
	 * Whether the route is looked up first (no handler of the application's own could be
	 * shadowed).
	 * @return {@code true} once the refreshed context was found to allow it
	 */
	public boolean isRouteFirst() {
		return this.routeFirst;
	}

	@Override
	public void onApplicationEvent(ContextRefreshedEvent event) {
		if (event.getApplicationContext() != this.context) {
			return;
		}
		String shadowed = firstShadowedMapping();
		this.routeFirst = (shadowed == null);
		if (logger.isDebugEnabled()) {
			logger.debug((shadowed == null) ? "smart-stick's route is looked up before other handler mappings"
					: "smart-stick's route is looked up after " + shadowed + ", which serves paths the route covers");
		}
	}

	@Override
	public Mono<Object> getHandler(ServerWebExchange exchange) {
		if (!this.routeFirst || this.excluded.matches(exchange)) {
			return Mono.empty();
		}
		return this.gateway.getHandler(exchange).filter((handler) -> isSmartStickRoute(exchange));
	}

	/**
	 * Another route matched first: leave it to Gateway's mapping in its usual place, as if
	 * this mapping had not looked.
	 */
	private static boolean isSmartStickRoute(ServerWebExchange exchange) {
		if (SmartStickRoutes.isSmartStickRoute(exchange)) {
			return true;
		}
		Map<String, Object> attributes = exchange.getAttributes();
		attributes.remove(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		attributes.remove(ServerWebExchangeUtils.GATEWAY_PREDICATE_ROUTE_ATTR);
		attributes.remove(ServerWebExchangeUtils.GATEWAY_HANDLER_MAPPER_ATTR);
		return false;
	}

	/**
	 * The first handler mapping ordered before Gateway's that may serve a path the route
	 * covers, or {@code null} when there is none.
	 */
	private String firstShadowedMapping() {
		return ApplicationHandlers.firstShadowed(this.context, this.gateway.getOrder(), this.excluded,
				(mapping) -> mapping == this || mapping == this.gateway);
	}

}
