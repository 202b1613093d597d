package io.smartstick.fast;

import java.util.List;

import io.smartstick.routing.ExcludedPaths;
import org.junit.jupiter.api.Test;

import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link FastRoutes}: which pool's fast proxy serves a request, and which
 * requests are left to WebFlux.
 */
class FastRoutesTests {

	private static final ExcludedPaths EXCLUDED = new ExcludedPaths(List.of("/actuator"));

	private final FastProxy api = mock(FastProxy.class);

	private final FastProxy fallback = mock(FastProxy.class);

	private final FastRoutes routes = new FastRoutes(List.of(
			new FastRoutes.Entry("api", new PoolRequestMatcher(List.of("/api/**"), List.of(), EXCLUDED), this.api),
			new FastRoutes.Entry("admin", new PoolRequestMatcher(List.of("/admin/**"), List.of(), EXCLUDED), null),
			new FastRoutes.Entry("default", new PoolRequestMatcher(List.of(), List.of(), EXCLUDED), this.fallback)));

	@Test
	void theFirstPoolClaimingARequestServesIt() {
		assertThat(this.routes.find("/api/orders", null)).isSameAs(this.api);
		assertThat(this.routes.find("/orders", null)).isSameAs(this.fallback);
		assertThat(this.routes.find("/admin/users", null)).as("a pool served by Gateway").isNull();
		assertThat(this.routes.find("/actuator/health", null)).isNull();
	}

	@Test
	void pathsOfTheApplicationsOwnHandlersAreLeftToWebFlux() {
		FastRoutes routes = this.routes.leaving(List.of(parse("/own/**"), parse("/api/own/{id}")));
		assertThat(routes.find("/own", null)).isNull();
		assertThat(routes.find("/own/x", null)).isNull();
		assertThat(routes.find("/api/own/7", null)).isNull();
		assertThat(routes.find("/api/own/7/more", null)).isSameAs(this.api);
		assertThat(routes.find("/owner", null)).isSameAs(this.fallback);
		assertThat(routes.find("/elsewhere", null)).isSameAs(this.fallback);
		assertThat(routes.find("/api/orders", null)).isSameAs(this.api);
	}

	@Test
	void encodedPathsMatchTheApplicationsPatternsAsWebFluxMatchesThem() {
		FastRoutes routes = this.routes.leaving(List.of(parse("/own/{name}")));
		assertThat(routes.find("/own/a%20b", null)).isNull();
		assertThat(routes.find("/own/a%2Fb", null)).as("one encoded segment").isNull();
		assertThat(routes.find("/own/a/b", null)).isSameAs(this.fallback);
	}

	@Test
	void leavingNothingChangesNothing() {
		FastRoutes routes = this.routes.leaving(List.of());
		assertThat(routes.find("/own/x", null)).isSameAs(this.fallback);
		assertThat(routes.any()).isTrue();
	}

	private static PathPattern parse(String pattern) {
		return PathPatternParser.defaultInstance.parse(pattern);
	}

}
