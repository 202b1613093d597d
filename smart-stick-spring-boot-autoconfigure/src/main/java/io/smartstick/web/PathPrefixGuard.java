package io.smartstick.web;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * A router function that only tries its routes for requests whose path starts with a
 * prefix that all of them share. WebFlux offers every request to every router function
 * before Gateway's routes, so without this each proxied request would be matched against
 * each of smart-stick's own routes (a method test and a path pattern each) only to be
 * turned away; with it, a string comparison turns it away. A path with a
 * percent-encoded character is always offered to the routes, whose patterns decide what
 * it matches, as they would without the guard. Visitors (such as Actuator's
 * {@code mappings} endpoint) see the routes themselves.
 *
 * @param <T> the type of response
 * @author smart-stick
 */
public final class PathPrefixGuard<T extends ServerResponse> implements RouterFunction<T> {

	private final String prefix;

	private final RouterFunction<T> routes;

	private PathPrefixGuard(String prefix, RouterFunction<T> routes) {
		this.prefix = prefix;
		this.routes = routes;
	}

	/**
	 * Guard routes with the prefix of their paths.
	 * @param <T> the type of response
	 * @param prefix the start of every path the routes serve, such as {@code /_lb}
	 * @param routes the routes
	 * @return the guarded routes
	 */
	public static <T extends ServerResponse> RouterFunction<T> of(String prefix, RouterFunction<T> routes) {
		return new PathPrefixGuard<>(prefix, routes);
	}

	@Override
	public Mono<HandlerFunction<T>> route(ServerRequest request) {
		String path = request.requestPath().pathWithinApplication().value();
		return (path.startsWith(this.prefix) || path.indexOf('%') != -1) ? this.routes.route(request) : Mono.empty();
	}

	@Override
	public void accept(RouterFunctions.Visitor visitor) {
		this.routes.accept(visitor);
	}

	@Override
	public String toString() {
		return this.routes.toString();
	}

}
