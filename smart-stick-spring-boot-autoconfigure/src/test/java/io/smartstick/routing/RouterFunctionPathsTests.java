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
 * {@link RouterFunctionPaths} enumerates the paths a router function serves outside the
 * excluded ones, is sure it serves only excluded paths, or says it may serve any path.
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

	@Test
	void pathsOutsideTheExcludedOnesAreEnumeratedOnePerRoute() {
		RouterFunction<ServerResponse> routes = RouterFunctions
			.route(RequestPredicates.POST("/demo/{port}/{action}"), OK)
			.andRoute(RequestPredicates.GET("/_lb/health"), OK)
			.andRoute(RequestPredicates.path("/files/**")
				.and(RequestPredicates.accept(MediaType.APPLICATION_JSON))
				.and(RequestPredicates.queryParam("q", (value) -> true)), OK)
			.andRoute(RequestPredicates.GET("relative"), OK);
		assertThat(RouterFunctionPaths.pathsOutside(routes, EXCLUDED)).containsExactly("/demo/{port}/{action}",
				"/files/**", "/relative");
	}

	@Test
	void aRouteWhosePathsCannotBeKnownMakesThePathsUnknown() {
		RouterFunction<ServerResponse> known = RouterFunctions.route(RequestPredicates.GET("/hello"), OK);
		assertThat(RouterFunctionPaths.pathsOutside(known.andRoute(RequestPredicates.method(HttpMethod.GET), OK),
				EXCLUDED))
			.isNull();
		assertThat(RouterFunctionPaths.pathsOutside(
				known.andRoute(RequestPredicates.GET("/a").or(RequestPredicates.GET("/b")), OK), EXCLUDED))
			.isNull();
		assertThat(RouterFunctionPaths.pathsOutside(
				known.and(RouterFunctions.nest(RequestPredicates.path("/nested"),
						RouterFunctions.route(RequestPredicates.GET("/x"), OK))),
				EXCLUDED))
			.isNull();
		assertThat(RouterFunctionPaths.pathsOutside(
				known.and(RouterFunctions.resources("/files/**", new ClassPathResource("static/"))), EXCLUDED))
			.isNull();
	}

}
