package io.smartstick.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.result.method.AbstractHandlerMethodMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The application's own WebFlux handlers that a pool's route, served ahead of them, could
 * shadow: the handler mappings ordered before Gateway's. Each serves either known path
 * patterns (a controller's request mappings, a router function's routes on plain paths,
 * a {@link SimpleUrlHandlerMapping}'s URL map) or paths that cannot be known (a router
 * function with a predicate beyond paths, a handler mapping of any other kind). Paths the
 * load balancer serves itself (the Actuator base path, the status endpoint) are left out.
 *
 * @author smart-stick
 */
public final class ApplicationHandlers {

	private final List<PathPattern> paths;

	private final String unknown;

	private ApplicationHandlers(List<PathPattern> paths, String unknown) {
		this.paths = Collections.unmodifiableList(paths);
		this.unknown = unknown;
	}

	/**
	 * Find the application's handlers ordered at or before {@code order}.
	 * @param context the refreshed context whose handler mappings are checked
	 * @param order the order of Gateway's handler mapping
	 * @param excluded the paths the load balancer serves itself
	 * @param ignored mappings not to consider (Gateway's own, say)
	 * @return the handlers found
	 */
	public static ApplicationHandlers find(ApplicationContext context, int order, ExcludedPaths excluded,
			Predicate<HandlerMapping> ignored) {
		List<PathPattern> paths = new ArrayList<>();
		List<String> unknown = new ArrayList<>();
		for (Map.Entry<String, HandlerMapping> entry : context.getBeansOfType(HandlerMapping.class).entrySet()) {
			HandlerMapping mapping = entry.getValue();
			if (!ignored.test(mapping) && order(mapping) <= order) {
				List<PathPattern> served = pathsOutside(mapping, excluded);
				if (served != null) {
					paths.addAll(served);
				}
				else {
					unknown.add("'" + entry.getKey() + "' (" + mapping.getClass().getName() + ")");
				}
			}
		}
		return new ApplicationHandlers(paths,
				unknown.isEmpty() ? null : "handler mapping " + String.join(", handler mapping ", unknown));
	}

	/**
	 * Return the path patterns that the handlers whose paths are known serve, outside the
	 * excluded paths.
	 * @return the patterns, empty when there are none
	 */
	public List<PathPattern> paths() {
		return this.paths;
	}

	/**
	 * Return a description of the handler mappings whose paths cannot be known.
	 * @return the description, naming each by bean name and type, or {@code null} when
	 * every handler's paths are known
	 */
	public String unknown() {
		return this.unknown;
	}

	private static int order(HandlerMapping mapping) {
		return (mapping instanceof Ordered ordered) ? ordered.getOrder() : Ordered.LOWEST_PRECEDENCE;
	}

	private static List<PathPattern> pathsOutside(HandlerMapping mapping, ExcludedPaths excluded) {
		List<PathPattern> paths = new ArrayList<>();
		if (mapping instanceof AbstractHandlerMethodMapping<?> methods) {
			// controllers and Actuator's endpoints: every mapping names its paths
			for (Object info : methods.getHandlerMethods().keySet()) {
				if (!(info instanceof RequestMappingInfo requestMapping)
						|| requestMapping.getPatternsCondition().getPatterns().isEmpty()) {
					return null;
				}
				for (PathPattern pattern : requestMapping.getPatternsCondition().getPatterns()) {
					if (!excluded.covers(pattern.getPatternString())) {
						paths.add(pattern);
					}
				}
			}
			return paths;
		}
		if (mapping.getClass() == SimpleUrlHandlerMapping.class) {
			// WebSocket endpoints, say: a subclass may look its handlers up otherwise
			for (PathPattern pattern : ((SimpleUrlHandlerMapping) mapping).getHandlerMap().keySet()) {
				if (!excluded.covers(pattern.getPatternString())) {
					paths.add(pattern);
				}
			}
			return paths;
		}
		if (mapping instanceof RouterFunctionMapping routerFunctions) {
			RouterFunction<?> routerFunction = routerFunctions.getRouterFunction();
			if (routerFunction == null) {
				return paths;
			}
			List<String> patterns = RouterFunctionPaths.pathsOutside(routerFunction, excluded);
			if (patterns == null) {
				return null;
			}
			// as RequestPredicates.path parses them
			patterns.forEach((pattern) -> paths.add(PathPatternParser.defaultInstance.parse(pattern)));
			return paths;
		}
		return null;
	}

}
