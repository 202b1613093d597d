package io.smartstick.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import reactor.core.publisher.Mono;

import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Enumerates the paths a router function may serve: every route's predicate must be a
 * conjunction (methods, headers, query parameters) with a path, which is all the route
 * can serve. Anything it cannot be sure of (a route without a path, alternatives,
 * negations, nested routes, resources, predicates it does not know) counts as possibly
 * serving any path.
 *
 * @author smart-stick
 */
final class RouterFunctionPaths implements RouterFunctions.Visitor {

	private final ExcludedPaths excluded;

	private final List<String> paths = new ArrayList<>();

	private boolean known = true;

	private RouterFunctionPaths(ExcludedPaths excluded) {
		this.excluded = excluded;
	}

	static boolean coveredBy(RouterFunction<?> routerFunction, ExcludedPaths excluded) {
		List<String> paths = pathsOutside(routerFunction, excluded);
		return paths != null && paths.isEmpty();
	}

	/**
	 * Return the path patterns of a router function's routes that lie outside the
	 * excluded paths: one pattern per route, every request the route serves matches it.
	 * @param routerFunction the router function
	 * @param excluded the paths the load balancer serves itself
	 * @return the path patterns, in route order, or {@code null} when a route may serve
	 * any path
	 */
	static List<String> pathsOutside(RouterFunction<?> routerFunction, ExcludedPaths excluded) {
		RouterFunctionPaths visitor = new RouterFunctionPaths(excluded);
		routerFunction.accept(visitor);
		return visitor.known ? List.copyOf(visitor.paths) : null;
	}

	@Override
	public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
		Conjunction conjunction = new Conjunction();
		predicate.accept(conjunction);
		if (!conjunction.sure || conjunction.path == null) {
			this.known = false;
		}
		else if (!conjunction.excludedPath) {
			// the route needs every path of the conjunction: any one of them matches all it serves
			this.paths.add(conjunction.path);
		}
	}

	@Override
	public void startNested(RequestPredicate predicate) {
		this.known = false;
	}

	@Override
	public void endNested(RequestPredicate predicate) {
	}

	@Override
	public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {
		this.known = false;
	}

	@Override
	public void attributes(Map<String, Object> attributes) {
	}

	@Override
	public void unknown(RouterFunction<?> routerFunction) {
		this.known = false;
	}

	/**
	 * Whether a predicate is a plain conjunction, its first path, and whether it includes
	 * an excluded path.
	 */
	private final class Conjunction implements RequestPredicates.Visitor {

		private boolean sure = true;

		private String path;

		private boolean excludedPath;

		@Override
		public void method(Set<HttpMethod> methods) {
		}

		@Override
		public void path(String pattern) {
			if (this.path == null) {
				this.path = pattern;
			}
			if (RouterFunctionPaths.this.excluded.covers(pattern)) {
				this.excludedPath = true;
			}
		}

		@Override
		public void pathExtension(String extension) {
		}

		@Override
		public void header(String name, String value) {
		}

		@Override
		public void queryParam(String name, String value) {
		}

		@Override
		public void version(String version) {
		}

		@Override
		public void startAnd() {
		}

		@Override
		public void and() {
		}

		@Override
		public void endAnd() {
		}

		@Override
		public void startOr() {
			this.sure = false;
		}

		@Override
		public void or() {
		}

		@Override
		public void endOr() {
		}

		@Override
		public void startNegate() {
			this.sure = false;
		}

		@Override
		public void endNegate() {
		}

		@Override
		public void unknown(RequestPredicate predicate) {
			this.sure = false;
		}

	}

}
