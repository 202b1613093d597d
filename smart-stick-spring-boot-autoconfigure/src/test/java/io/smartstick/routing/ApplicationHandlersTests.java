package io.smartstick.routing;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ApplicationHandlers}: the paths of the application's own handler
 * mappings ordered before Gateway's, or the mappings whose paths cannot be known.
 */
class ApplicationHandlersTests {

	private static final ExcludedPaths EXCLUDED = new ExcludedPaths(List.of("/actuator", "/_lb/health"));

	private static final HandlerFunction<ServerResponse> OK = (request) -> ServerResponse.ok().build();

	private static final int GATEWAY_ORDER = 1;

	@Test
	void routerFunctionsAndUrlMapsOnPlainPathsAreKnownOutsideTheExcludedPaths() {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.registerBean("routerFunctionMapping", RouterFunctionMapping.class,
					() -> ordered(new RouterFunctionMapping(RouterFunctions.route(RequestPredicates.GET("/fn/{id}"), OK)
						.andRoute(RequestPredicates.GET("/actuator/fn"), OK)), -1));
			Map<String, Object> urls = Map.of("/ws/**", new Object(), "/_lb/health/ws", new Object());
			context.registerBean("webSocketMapping", SimpleUrlHandlerMapping.class,
					() -> new SimpleUrlHandlerMapping(urls, 0));
			context.refresh();
			ApplicationHandlers handlers = find(context);
			assertThat(handlers.unknown()).isNull();
			assertThat(handlers.paths()).extracting(PathPattern::getPatternString)
				.containsExactlyInAnyOrder("/fn/{id}", "/ws/**");
		}
	}

	@Test
	void mappingsOrderedAfterGatewaysAndIgnoredOnesDoNotCount() {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.registerBean("late", HandlerMapping.class, () -> new OpaqueMapping(GATEWAY_ORDER + 1));
			context.registerBean("ignored", HandlerMapping.class, () -> new OpaqueMapping(0));
			context.refresh();
			ApplicationHandlers handlers = ApplicationHandlers.find(context, GATEWAY_ORDER, EXCLUDED,
					(mapping) -> mapping == context.getBean("ignored"));
			assertThat(handlers.unknown()).isNull();
			assertThat(handlers.paths()).isEmpty();
		}
	}

	@Test
	void mappingsWhosePathsCannotBeKnownAreNamedWithTheirType() {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.registerBean("byHeader", RouterFunctionMapping.class,
					() -> ordered(new RouterFunctionMapping(RouterFunctions.route(RequestPredicates.GET("/fn"), OK)
						.andRoute(RequestPredicates.headers((headers) -> true), OK)), -1));
			context.registerBean("custom", HandlerMapping.class, () -> new OpaqueMapping(0));
			context.refresh();
			ApplicationHandlers handlers = find(context);
			assertThat(handlers.unknown())
				.contains("handler mapping 'byHeader' (" + RouterFunctionMapping.class.getName())
				.contains("handler mapping 'custom' (" + OpaqueMapping.class.getName());
		}
	}

	private static ApplicationHandlers find(GenericApplicationContext context) {
		return ApplicationHandlers.find(context, GATEWAY_ORDER, EXCLUDED, (mapping) -> false);
	}

	private static RouterFunctionMapping ordered(RouterFunctionMapping mapping, int order) {
		mapping.setOrder(order);
		return mapping;
	}

	/** A handler mapping whose paths cannot be known. */
	static final class OpaqueMapping implements HandlerMapping, Ordered {

		private final int order;

		OpaqueMapping(int order) {
			this.order = order;
		}

		@Override
		public Mono<Object> getHandler(ServerWebExchange exchange) {
			return Mono.empty();
		}

		@Override
		public int getOrder() {
			return this.order;
		}

	}

}
