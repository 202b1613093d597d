package io.smartstick.routing;

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
 * Tells whether a router function serves only excluded paths: every route's predicate
 * must be a conjunction (methods, headers, query parameters) with a path inside the
 * excluded paths. Anything it cannot be sure of (alternatives, negations, nested routes,
 * resources, predicates it does not know) counts as possibly serving any path.
 *
 * @author smart-stick
 */
final class RouterFunctionPaths implements RouterFunctions.Visitor {

	private final ExcludedPaths excluded;

	private boolean covered = true;

	private RouterFunctionPaths(ExcludedPaths excluded) {
		this.excluded = excluded;
	}

	static boolean coveredBy(RouterFunction<?> routerFunction, ExcludedPaths excluded) {
		RouterFunctionPaths visitor = new RouterFunctionPaths(excluded);
		routerFunction.accept(visitor);
		return visitor.covered;
	}

	@Override
	public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
		Conjunction conjunction = new Conjunction();
		predicate.accept(conjunction);
		this.covered &= conjunction.sure && conjunction.excludedPath;
	}

	@Override
	public void startNested(RequestPredicate predicate) {
		this.covered = false;
	}

	@Override
	public void endNested(RequestPredicate predicate) {
	}

	@Override
	public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {
		this.covered = false;
	}

	@Override
	public void attributes(Map<String, Object> attributes) {
	}

	@Override
	public void unknown(RouterFunction<?> routerFunction) {
		this.covered = false;
	}

	/**
	 * Whether a predicate is a plain conjunction that includes an excluded path.
	 */
	private final class Conjunction implements RequestPredicates.Visitor {

		private boolean sure = true;

		private boolean excludedPath;

		@Override
		public void method(Set<HttpMethod> methods) {
		}

		@Override
		public void path(String pattern) {
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
