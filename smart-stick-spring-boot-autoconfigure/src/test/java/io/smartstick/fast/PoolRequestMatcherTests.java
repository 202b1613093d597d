package io.smartstick.fast;

import java.util.List;

import io.smartstick.routing.ExcludedPaths;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PoolRequestMatcher} and {@link FastRoutes#rawPath(String)}: the
 * requests a fast pool claims, as its Gateway route's predicates would.
 */
class PoolRequestMatcherTests {

	private static final ExcludedPaths EXCLUDED = new ExcludedPaths(List.of("/actuator", "/_lb/health"));

	@Test
	void aPoolWithoutPathsOrHostsClaimsEverythingButTheLoadBalancersOwnPaths() {
		PoolRequestMatcher matcher = new PoolRequestMatcher(List.of(), List.of(), EXCLUDED);
		assertThat(matcher.matches("/", null)).isTrue();
		assertThat(matcher.matches("/actuators", "any")).isTrue();
		assertThat(matcher.matches("/actuator", "any")).isFalse();
		assertThat(matcher.matches("/actuator/health", "any")).isFalse();
		assertThat(matcher.matches("/_lb/health", "any")).isFalse();
	}

	@Test
	void pathPatternsMatchAsGatewaysPathPredicateWithAnOptionalTrailingSlash() {
		PoolRequestMatcher matcher = new PoolRequestMatcher(List.of("/api/**", "/users/{id}"), List.of(), EXCLUDED);
		assertThat(matcher.matches("/api", null)).isTrue();
		assertThat(matcher.matches("/api/orders/1", null)).isTrue();
		assertThat(matcher.matches("/users/7", null)).isTrue();
		assertThat(matcher.matches("/users/7/", null)).isTrue();
		assertThat(matcher.matches("/users/7/orders", null)).isFalse();
		assertThat(matcher.matches("/apis", null)).isFalse();
	}

	@Test
	void hostPatternsMatchTheHostHeaderAndPathsMustMatchToo() {
		PoolRequestMatcher matcher = new PoolRequestMatcher(List.of("/shop/**"), List.of("**.example.com", "shop:8080"),
				EXCLUDED);
		assertThat(matcher.matches("/shop/cart", "www.example.com")).isTrue();
		assertThat(matcher.matches("/shop/cart", "shop:8080")).isTrue();
		assertThat(matcher.matches("/shop/cart", "example.org")).isFalse();
		assertThat(matcher.matches("/shop/cart", null)).isFalse();
		assertThat(matcher.matches("/other", "www.example.com")).isFalse();
	}

	@Test
	void rawPathIsTheRequestTargetsPathWithoutQuery() {
		assertThat(FastRoutes.rawPath("/a/b?x=1")).isEqualTo("/a/b");
		assertThat(FastRoutes.rawPath("/a%20b")).isEqualTo("/a%20b");
		assertThat(FastRoutes.rawPath("http://host:8080/a?x")).isEqualTo("/a");
		assertThat(FastRoutes.rawPath("http://host:8080")).isEqualTo("/");
	}

}
