package io.smartstick.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.BalancingStrategy;
import io.smartstick.config.InvalidConfigurationException;
import io.smartstick.observe.Assignment;
import io.smartstick.routing.ProxyErrorFilter;
import io.smartstick.status.LoadBalancerStatus;
import io.smartstick.sticky.StickyBackendSelector;
import io.smartstick.sticky.StickyCookieCodec;
import io.smartstick.sticky.StickySessionFilter;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.HttpHandlerAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.cloud.gateway.config.GatewayReactiveLoadBalancerClientAutoConfiguration;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.XForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for smart-stick's auto-configurations.
 */
class SmartStickAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SmartStickAutoConfiguration.class,
				SmartStickGatewayAutoConfiguration.class,
				SmartStickHealthAutoConfiguration.class,
				SmartStickStatusAutoConfiguration.class,
				GatewayAutoConfiguration.class, GatewayReactiveLoadBalancerClientAutoConfiguration.class,
				org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration.class,
				org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration.class,
				WebFluxAutoConfiguration.class, HttpHandlerAutoConfiguration.class, CodecsAutoConfiguration.class,
				JacksonAutoConfiguration.class, SslAutoConfiguration.class))
		// nothing listens on the backend's port: active checks would take it down
		.withPropertyValues("smartstick.backends[0].id=0", "smartstick.backends[0].url=http://127.0.0.1:5000",
				"smartstick.health.enabled=false");

	@Test
	void oneValidBackendCreatesEveryBean() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(BackendRegistry.class);
			assertThat(context).hasSingleBean(StickyBackendSelector.class);
			assertThat(poolFilters(context)).hasAtLeastOneElementOfType(StickySessionFilter.class)
				.hasAtLeastOneElementOfType(ProxyErrorFilter.class);
			assertThat(context).doesNotHaveBean(StickySessionFilter.class);
			assertThat(context.getBean(RouteToRequestUrlFilter.class).getClass())
				.isEqualTo(RouteToRequestUrlFilter.class);
			assertThat(context).hasBean("smartStickStatusRouterFunction");
			RouterFunction<?> status = context.getBean("smartStickStatusRouterFunction", RouterFunction.class);
			assertThat(routes(status, "/_lb/health")).isTrue();
			assertThat(routes(status, "/other")).isFalse();
			BackendRegistry registry = context.getBean(BackendRegistry.class);
			assertThat(registry.all()).singleElement().satisfies((backend) -> {
				assertThat(backend.id()).isZero();
				assertThat(backend.url()).hasToString("http://127.0.0.1:5000");
			});
			List<Route> routes = context.getBean("smartStickRouteLocator", RouteLocator.class)
				.getRoutes()
				.collectList()
				.block(Duration.ofSeconds(10));
			assertThat(routes).extracting(Route::getId).containsExactly("smartstick-default");
			assertThat(routes.get(0).getUri()).hasToString("lb://smart-stick");
			assertThat(matches(routes.get(0), "/anything")).isTrue();
			assertThat(matches(routes.get(0), "/_lb/health")).isFalse();
			assertThat(context.getBean(StickyBackendSelector.class).strategy().name()).isEqualTo("round-robin");
		});
	}

	@Test
	void gatewaysOwnHeaderFiltersAreLeftInPlaceWithTheirSettings() {
		this.runner
			.withPropertyValues("spring.cloud.gateway.server.webflux.trusted-proxies=10\\..*",
					"spring.cloud.gateway.server.webflux.x-forwarded.for-append=false",
					"spring.cloud.gateway.server.webflux.filter.remove-hop-by-hop.headers=X-Drop")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				XForwardedHeadersFilter xForwarded = context.getBean(XForwardedHeadersFilter.class);
				assertThat(xForwarded.getClass()).isEqualTo(XForwardedHeadersFilter.class);
				assertThat(xForwarded.isForAppend()).isFalse();
				RemoveHopByHopHeadersFilter hopByHop = context.getBean(RemoveHopByHopHeadersFilter.class);
				assertThat(hopByHop.getClass()).isEqualTo(RemoveHopByHopHeadersFilter.class);
				assertThat(hopByHop.getHeaders()).containsExactly("x-drop");
			});
	}

	@Test
	void withoutTrustedProxiesGatewayAddsNoXForwardedFilterAndNeitherDoesSmartStick() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(XForwardedHeadersFilter.class);
		});
	}

	@Test
	void statusEndpointServesTheConfiguredPath() {
		this.runner.withPropertyValues("smartstick.status.path=/lb-status").run((context) -> {
			assertThat(context).hasNotFailed();
			RouterFunction<?> status = context.getBean("smartStickStatusRouterFunction", RouterFunction.class);
			assertThat(routes(status, "/lb-status")).isTrue();
			assertThat(routes(status, "/_lb/health")).isFalse();
		});
	}

	@Test
	void disabledCreatesNoSmartStickBean() {
		this.runner.withPropertyValues("smartstick.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertNoSmartStickBeans(context);
		});
	}

	@Test
	void disabledDoesNotValidateTheConfiguration() {
		this.runner.withPropertyValues("smartstick.enabled=false", "smartstick.backends[0].url=ftp://nope")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void disabledStatusEndpointCreatesNoStatusRouterFunction() {
		this.runner.withPropertyValues("smartstick.status.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean("smartStickStatusRouterFunction");
			assertThat(context).doesNotHaveBean(LoadBalancerStatus.class);
			assertThat(context).hasSingleBean(StickyBackendSelector.class);
		});
	}

	@Test
	void userStrategyBeanIsSelectableByItsName() {
		this.runner.withUserConfiguration(StickyFirstStrategyConfiguration.class)
			.withPropertyValues("smartstick.strategy=sticky-first")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				StickyBackendSelector selector = context.getBean(StickyBackendSelector.class);
				assertThat(selector.strategy()).isSameAs(context.getBean("stickyFirst"));
			});
	}

	@Test
	void userStrategyBeanWithABuiltInNameReplacesTheBuiltInStrategy() {
		this.runner.withUserConfiguration(CustomRoundRobinConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			StickyBackendSelector selector = context.getBean(StickyBackendSelector.class);
			assertThat(selector.strategy()).isSameAs(context.getBean("customRoundRobin"));
		});
	}

	@Test
	void userCookieCodecBeanIsUsed() {
		this.runner.withUserConfiguration(CustomCodecConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			StickyCookieCodec codec = context.getBean(StickyCookieCodec.class);
			assertThat(codec).isSameAs(context.getBean("customCodec"));
			StickyBackendSelector selector = context.getBean(StickyBackendSelector.class);
			Backend backend = selector.registry().find(0);
			// the signed value of the user's codec is honoured, the plain id is not
			assertThat(selector.select(codec.encode(backend)).assignment()).isEqualTo(Assignment.KEPT);
			assertThat(selector.select("0").assignment()).isEqualTo(Assignment.NEW);
		});
	}

	@Test
	void unknownFilterOfAPoolFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues(apiPool("StripPrefx=1")).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationException.class)
				.hasMessageContaining("smartstick.pools.api.filters[0]");
		});
	}

	@Test
	void filterArgumentsGatewayRejectsFailStartupNamingThePool() {
		this.runner.withPropertyValues(apiPool("StripPrefix=not-a-number")).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationException.class)
				.hasMessageContaining("smartstick.pools.api.filters");
		});
	}

	@Test
	void poolWithFiltersGetsThemOnItsRouteAheadOfSmartSticksOwn() {
		this.runner.withPropertyValues(apiPool("StripPrefix=1")).run((context) -> {
			assertThat(context).hasNotFailed();
			List<Route> routes = context.getBean("smartStickRouteLocator", RouteLocator.class)
				.getRoutes()
				.collectList()
				.block(Duration.ofSeconds(10));
			assertThat(routes).extracting(Route::getId).containsExactly("smartstick-default", "smartstick-api");
			Route api = routes.get(1);
			assertThat(api.getUri()).hasToString("lb://smartstick-api");
			assertThat(matches(api, "/api/orders")).isTrue();
			assertThat(matches(api, "/orders")).isFalse();
			assertThat(api.getFilters()).hasAtLeastOneElementOfType(StickySessionFilter.class);
			assertThat(api.getFilters().get(0).toString()).contains("StripPrefix");
		});
	}

	private static String[] apiPool(String filter) {
		return new String[] { "smartstick.pools.api.paths=/api/**", "smartstick.pools.api.backends[0].id=0",
				"smartstick.pools.api.backends[0].url=http://127.0.0.1:5001", "smartstick.pools.api.filters[0]=" + filter };
	}

	@Test
	void withoutGatewayTheContextStartsWithoutSmartStickBeans() {
		this.runner.withClassLoader(new FilteredClassLoader(RouteLocator.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertNoSmartStickBeans(context);
		});
	}

	@Test
	void withoutActuatorEverythingStillWorks() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(StickyBackendSelector.class);
			assertThat(poolFilters(context)).hasAtLeastOneElementOfType(StickySessionFilter.class);
			assertThat(context).hasBean("smartStickStatusRouterFunction");
			List<Route> routes = context.getBean("smartStickRouteLocator", RouteLocator.class)
				.getRoutes()
				.collectList()
				.block(Duration.ofSeconds(10));
			assertThat(routes).extracting(Route::getId).containsExactly("smartstick-default");
			assertThat(matches(routes.get(0), "/anything")).isTrue();
			assertThat(matches(routes.get(0), "/_lb/health")).isFalse();
		});
	}

	/**
	 * The filters of the default pool's route, where smart-stick's behaviour lives (never
	 * as global filters).
	 */
	private static List<GatewayFilter> poolFilters(AssertableReactiveWebApplicationContext context) {
		List<Route> routes = context.getBean("smartStickRouteLocator", RouteLocator.class)
			.getRoutes()
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(routes).extracting(Route::getId).containsExactly("smartstick-default");
		return routes.get(0).getFilters();
	}

	private static boolean routes(RouterFunction<?> routerFunction, String path) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path));
		ServerRequest request = ServerRequest.create(exchange, HandlerStrategies.withDefaults().messageReaders());
		return routerFunction.route(request).blockOptional(Duration.ofSeconds(10)).isPresent();
	}

	private static boolean matches(Route route, String path) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path));
		return Boolean.TRUE.equals(Mono.from(route.getPredicate().apply(exchange)).block(Duration.ofSeconds(10)));
	}

	private static void assertNoSmartStickBeans(AssertableReactiveWebApplicationContext context) {
		assertThat(context).doesNotHaveBean(BackendRegistry.class);
		assertThat(context).doesNotHaveBean(StickyBackendSelector.class);
		assertThat(context).doesNotHaveBean(StickyCookieCodec.class);
		assertThat(context).doesNotHaveBean(StickySessionFilter.class);
		assertThat(context).doesNotHaveBean(ProxyErrorFilter.class);
		assertThat(context).doesNotHaveBean("smartStickRouteLocator");
		assertThat(context).doesNotHaveBean("smartStickStatusRouterFunction");
	}

	@Configuration(proxyBeanMethods = false)
	static class StickyFirstStrategyConfiguration {

		@Bean
		BalancingStrategy stickyFirst() {
			return new FirstCandidateStrategy("sticky-first");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomRoundRobinConfiguration {

		@Bean
		BalancingStrategy customRoundRobin() {
			return new FirstCandidateStrategy("round-robin");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomCodecConfiguration {

		@Bean
		StickyCookieCodec customCodec() {
			return new StickyCookieCodec("user-secret");
		}

	}

	static class FirstCandidateStrategy implements BalancingStrategy {

		private final String name;

		FirstCandidateStrategy(String name) {
			this.name = name;
		}

		@Override
		public String name() {
			return this.name;
		}

		@Override
		public Backend choose(List<Backend> candidates) {
			return candidates.isEmpty() ? null : candidates.get(0);
		}

	}

}
