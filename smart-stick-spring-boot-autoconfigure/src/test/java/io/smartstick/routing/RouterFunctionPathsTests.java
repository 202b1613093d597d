package io.smartstick.routing;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RouterFunctionPaths} is sure a router function serves only excluded paths, or
 * says it may serve others.
 */
class RouterFunctionPathsTests {

	private static final ExcludedPaths EXCLUDED = new ExcludedPaths(List.of("/actuator", "/_lb/health"));

	private static final HandlerFunction<ServerResponse> OK = (request) -> ServerResponse.ok().build();

	@Test
	void routesOnExcludedPathsAreCovered() {
		RouterFunction<ServerResponse> routes = RouterFunctions.route(RequestPredicates.GET("/_lb/health"), OK)
			.andRoute(RequestPredicates.POST("/actuator/things/{id}"), OK)
			.andRoute(RequestPredicates.path("/actuator/**").and(RequestPredicates.accept(MediaType.APPLICATION_JSON)),
					OK);
		assertThat(RouterFunctionPaths.coveredBy(routes, EXCLUDED)).isTrue();
	}

	@Test
	void conditionsItCannotReadAreNotTrusted() {
		RouterFunction<ServerResponse> routes = RouterFunctions
			.route(RequestPredicates.path("/actuator/**").and(RequestPredicates.headers((headers) -> true)), OK);
		assertThat(RouterFunctionPaths.coveredBy(routes, EXCLUDED)).isFalse();
	}

	@Test
	void aRouteOutsideTheExcludedPathsIsNotCovered() {
		RouterFunction<ServerResponse> routes = RouterFunctions.route(RequestPredicates.GET("/_lb/health"), OK)
			.andRoute(RequestPredicates.GET("/hello"), OK);
		assertThat(RouterFunctionPaths.coveredBy(routes, EXCLUDED)).isFalse();
	}

	@Test
	void aPathNextToAnExcludedOneIsNotCovered() {
		assertThat(RouterFunctionPaths.coveredBy(RouterFunctions.route(RequestPredicates.GET("/actuators"), OK),
				EXCLUDED)).isFalse();
		assertThat(RouterFunctionPaths.coveredBy(RouterFunctions.route(RequestPredicates.GET("/actuator*"), OK),
				EXCLUDED)).isFalse();
	}

	@Test
	void routesWithoutAPathAreNotCovered() {
		assertThat(RouterFunctionPaths.coveredBy(RouterFunctions.route(RequestPredicates.all(), OK), EXCLUDED))
			.isFalse();
		assertThat(RouterFunctionPaths.coveredBy(
				RouterFunctions.route(RequestPredicates.method(HttpMethod.GET), OK), EXCLUDED))
			.isFalse();
	}

	@Test
	void alternativesAndNegationsAreNotTrusted() {
		assertThat(RouterFunctionPaths.coveredBy(RouterFunctions.route(
				RequestPredicates.GET("/_lb/health").or(RequestPredicates.GET("/actuator/x")), OK), EXCLUDED))
			.isFalse();
		assertThat(RouterFunctionPaths.coveredBy(
				RouterFunctions.route(RequestPredicates.path("/actuator/**").negate(), OK), EXCLUDED))
			.isFalse();
	}

	@Test
	void nestedRoutesAndResourcesAreNotTrusted() {
		assertThat(RouterFunctionPaths.coveredBy(RouterFunctions.nest(RequestPredicates.path("/actuator"),
				RouterFunctions.route(RequestPredicates.GET("/x"), OK)), EXCLUDED))
			.isFalse();
		assertThat(RouterFunctionPaths.coveredBy(
				RouterFunctions.resources("/actuator/files/**", new ClassPathResource("static/")), EXCLUDED))
			.isFalse();
	}

}
