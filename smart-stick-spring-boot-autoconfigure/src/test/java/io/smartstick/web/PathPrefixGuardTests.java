package io.smartstick.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.core.io.Resource;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PathPrefixGuard}.
 */
class PathPrefixGuardTests {

	private final AtomicInteger tried = new AtomicInteger();

	private final HandlerFunction<ServerResponse> handler = (request) -> ServerResponse.ok().build();

	private final RouterFunction<ServerResponse> routes = RouterFunctions
		.route(RequestPredicates.GET("/_lb/health"), this.handler);

	private final RouterFunction<ServerResponse> guarded = PathPrefixGuard.of("/_lb", (request) -> {
		this.tried.incrementAndGet();
		return this.routes.route(request);
	});

	@Test
	void requestUnderThePrefixIsRouted() {
		assertThat(this.guarded.route(request("/_lb/health")).block()).isSameAs(this.handler);
		assertThat(this.tried).hasValue(1);
	}

	@Test
	void requestElsewhereIsTurnedAwayWithoutTryingTheRoutes() {
		assertThat(this.guarded.route(request("/")).blockOptional()).isEmpty();
		assertThat(this.guarded.route(request("/api/_lb/health")).blockOptional()).isEmpty();
		assertThat(this.tried).hasValue(0);
	}

	@Test
	void requestUnderThePrefixTheRoutesDoNotServeIsNotRouted() {
		assertThat(this.guarded.route(request("/_lb/other")).blockOptional()).isEmpty();
		assertThat(this.tried).hasValue(1);
	}

	@Test
	void percentEncodedPathIsLeftToTheRoutes() {
		// what its decoded form may match is for the routes' own patterns to decide, as without the guard
		assertThat(this.guarded.route(request("/%5Flb/health")).blockOptional())
			.isEqualTo(this.routes.route(request("/%5Flb/health")).blockOptional());
		assertThat(this.tried).hasValue(1);
	}

	@Test
	void visitorsSeeTheRoutesThemselves() {
		List<RequestPredicate> seen = new ArrayList<>();
		PathPrefixGuard.of("/_lb", this.routes).accept(new RouterFunctions.Visitor() {

			@Override
			public void startNested(RequestPredicate predicate) {
			}

			@Override
			public void endNested(RequestPredicate predicate) {
			}

			@Override
			public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
				seen.add(predicate);
			}

			@Override
			public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {
			}

			@Override
			public void attributes(Map<String, Object> attributes) {
			}

			@Override
			public void unknown(RouterFunction<?> routerFunction) {
				throw new AssertionError("the guard hid its routes: " + routerFunction);
			}

		});
		assertThat(seen).hasSize(1);
		assertThat(seen.get(0)).hasToString("(GET && /_lb/health)");
	}

	private static ServerRequest request(String path) {
		return ServerRequest.create(MockServerWebExchange.from(MockServerHttpRequest.get(path)),
				HandlerStrategies.withDefaults().messageReaders());
	}

}
