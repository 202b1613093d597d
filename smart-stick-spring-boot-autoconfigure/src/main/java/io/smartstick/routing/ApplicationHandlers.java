package io.smartstick.routing;

import java.util.Map;
import java.util.function.Predicate;

import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.method.AbstractHandlerMethodMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Finds the application's own WebFlux handlers that a pool's route served ahead of them
 * could shadow: handler mappings ordered before Gateway's that serve any path beyond the
 * ones the load balancer serves itself (the Actuator base path, the status endpoint).
 *
 * @author smart-stick
 */
public final class ApplicationHandlers {

	private ApplicationHandlers() {
	}

	/**
	 * Return the first handler mapping ordered at or before {@code order} that may serve
	 * a path outside the excluded ones.
	 * @param context the refreshed context whose handler mappings are checked
	 * @param order the order of Gateway's handler mapping
	 * @param excluded the paths the load balancer serves itself
	 * @param ignored mappings not to consider (Gateway's own, say)
	 * @return a description of the mapping, or {@code null} when there is none
	 */
	public static String firstShadowed(ApplicationContext context, int order, ExcludedPaths excluded,
			Predicate<HandlerMapping> ignored) {
		for (Map.Entry<String, HandlerMapping> entry : context.getBeansOfType(HandlerMapping.class).entrySet()) {
			HandlerMapping mapping = entry.getValue();
			if (!ignored.test(mapping) && order(mapping) <= order && !servesOnlyExcludedPaths(mapping, excluded)) {
				return "handler mapping '" + entry.getKey() + "'";
			}
		}
		return null;
	}

	private static int order(HandlerMapping mapping) {
		return (mapping instanceof Ordered ordered) ? ordered.getOrder() : Ordered.LOWEST_PRECEDENCE;
	}

	private static boolean servesOnlyExcludedPaths(HandlerMapping mapping, ExcludedPaths excluded) {
		if (mapping instanceof AbstractHandlerMethodMapping<?> methods) {
			// controllers and Actuator's endpoints: every mapping must name only excluded paths
			for (Object info : methods.getHandlerMethods().keySet()) {
				if (!(info instanceof RequestMappingInfo requestMapping)
						|| requestMapping.getPatternsCondition().getPatterns().isEmpty()) {
					return false;
				}
				for (PathPattern pattern : requestMapping.getPatternsCondition().getPatterns()) {
					if (!excluded.covers(pattern.getPatternString())) {
						return false;
					}
				}
			}
			return true;
		}
		if (mapping instanceof RouterFunctionMapping routerFunctions) {
			RouterFunction<?> routerFunction = routerFunctions.getRouterFunction();
			return routerFunction == null || RouterFunctionPaths.coveredBy(routerFunction, excluded);
		}
		return false;
	}

}
