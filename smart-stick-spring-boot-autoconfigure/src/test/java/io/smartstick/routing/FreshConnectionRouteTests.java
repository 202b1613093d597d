package io.smartstick.routing;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fresh-connection twin of a route differs from it only in its connect timeout.
 */
class FreshConnectionRouteTests {

	private final GatewayFilter filter = (exchange, chain) -> chain.filter(exchange);

	private final Route route = Route.async()
		.id(PoolRoutes.ROUTE_ID_PREFIX + "default")
		.uri("lb://smart-stick")
		.order(7)
		.predicate((exchange) -> true)
		.filter(this.filter)
		.metadata(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR, 5000)
		.metadata(RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR, 60000L)
		.build();

	@Test
	void twinHasItsOwnConnectTimeoutAndEverythingElseOfTheRoute() {
		Route twin = new FreshConnectionRoute().of(this.route);
		assertThat(twin.getMetadata()).containsEntry(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR, 5001)
			.containsEntry(RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR, 60000L)
			.hasSize(2);
		assertThat(twin.getId()).isEqualTo(this.route.getId());
		assertThat(twin.getUri()).isEqualTo(this.route.getUri());
		assertThat(twin.getOrder()).isEqualTo(7);
		assertThat(twin.getPredicate()).isSameAs(this.route.getPredicate());
		assertThat(twin.getFilters()).isEqualTo(List.copyOf(this.route.getFilters()));
	}

	@Test
	void twinIsBuiltOncePerRoute() {
		FreshConnectionRoute twins = new FreshConnectionRoute();
		Route twin = twins.of(this.route);
		assertThat(twins.of(this.route)).isSameAs(twin);
		Route refreshed = Route.async()
			.id(PoolRoutes.ROUTE_ID_PREFIX + "default")
			.uri("lb://smart-stick")
			.predicate((exchange) -> true)
			.metadata(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR, "2000")
			.build();
		assertThat(twins.of(refreshed).getMetadata()).containsEntry(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR, 2001);
	}

	@Test
	void largestConnectTimeoutGetsADifferentOneToo() {
		Route longest = Route.async()
			.id(PoolRoutes.ROUTE_ID_PREFIX + "default")
			.uri("lb://smart-stick")
			.predicate((exchange) -> true)
			.metadata(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR, Integer.MAX_VALUE)
			.build();
		assertThat(FreshConnectionRoute.build(longest).getMetadata())
			.containsEntry(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR, Integer.MAX_VALUE - 1);
	}

}
