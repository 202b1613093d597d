package io.smartstick.autoconfigure;

import io.smartstick.config.InvalidConfigurationException;
import io.smartstick.fast.EngineChoices;
import io.smartstick.fast.EngineChoices.Choice;
import io.smartstick.fast.FastEngineRouteProvider;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webflux.autoconfigure.HttpHandlerAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.cloud.gateway.config.GatewayReactiveLoadBalancerClientAutoConfiguration;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;

/**
 * Tests for {@link SmartStickFastEngineAutoConfiguration}: which engine serves each pool,
 * and start-up failures for a fast engine that would bypass something.
 */
class SmartStickFastEngineAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SmartStickAutoConfiguration.class,
				SmartStickGatewayAutoConfiguration.class, SmartStickFastEngineAutoConfiguration.class,
				GatewayAutoConfiguration.class, GatewayReactiveLoadBalancerClientAutoConfiguration.class,
				org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration.class,
				org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration.class,
				WebFluxAutoConfiguration.class, HttpHandlerAutoConfiguration.class, CodecsAutoConfiguration.class,
				JacksonAutoConfiguration.class, SslAutoConfiguration.class))
		.withPropertyValues("smartstick.backends[0].id=0", "smartstick.backends[0].url=http://127.0.0.1:5000",
				"smartstick.health.enabled=false",
				// the build's Gateway-engine run sets smartstick.engine as a system property
				"smartstick.engine=auto");

	@Test
	void autoServesAPoolWithoutFiltersWithTheFastEngine() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(FastEngineRouteProvider.class);
			assertThat(choice(context.getBean(EngineChoices.class), "default"))
				.isEqualTo(new Choice("fast", "auto", "auto: nothing on the pool needs Gateway"));
		});
	}

	@Test
	void autoServesAPoolWithGatewayFiltersWithGateway() {
		this.runner
			.withPropertyValues("smartstick.pools.api.paths=/api/**",
					"smartstick.pools.api.backends[0].id=0",
					"smartstick.pools.api.backends[0].url=http://127.0.0.1:5001",
					"smartstick.pools.api.filters[0]=StripPrefix=1")
			.run((context) -> {
				EngineChoices choices = context.getBean(EngineChoices.class);
				assertThat(choices.isFast("default")).isTrue();
				assertThat(choice(choices, "api").engine()).isEqualTo("gateway");
				assertThat(choice(choices, "api").reason()).contains("Gateway filters (StripPrefix=1)");
			});
	}

	@Test
	void autoServesEveryPoolWithGatewayWhenTheApplicationHasAWebFilter() {
		this.runner.withUserConfiguration(OwnWebFilter.class).run((context) -> {
			Choice choice = choice(context.getBean(EngineChoices.class), "default");
			assertThat(choice.engine()).isEqualTo("gateway");
			assertThat(choice.reason()).contains("ownWebFilter");
		});
	}

	@Test
	void autoServesEveryPoolWithGatewayWhenTheApplicationHasAGlobalFilter() {
		this.runner.withUserConfiguration(OwnGlobalFilter.class)
			.run((context) -> assertThat(choice(context.getBean(EngineChoices.class), "default").reason())
				.contains("ownGlobalFilter"));
	}

	@Test
	void autoServesEveryPoolWithGatewayWhenGatewayHasDefaultFilters() {
		this.runner
			.withPropertyValues("spring.cloud.gateway.server.webflux.default-filters[0]=AddResponseHeader=X-A,b")
			.run((context) -> assertThat(choice(context.getBean(EngineChoices.class), "default").engine())
				.isEqualTo("gateway"));
	}

	@Test
	void gatewayIsServedWhenConfigured() {
		this.runner.withPropertyValues("smartstick.engine=gateway")
			.run((context) -> assertThat(choice(context.getBean(EngineChoices.class), "default"))
				.isEqualTo(new Choice("gateway", "gateway", "smartstick.engine=gateway")));
	}

	@Test
	void poolsInheritTheTopLevelEngineUnlessTheySetTheirOwn() {
		this.runner
			.withPropertyValues("smartstick.engine=gateway", "smartstick.pools.api.paths=/api/**",
					"smartstick.pools.api.backends[0].id=0", "smartstick.pools.api.backends[0].url=http://127.0.0.1:5001",
					"smartstick.pools.web.paths=/web/**",
					"smartstick.pools.web.backends[0].id=0",
					"smartstick.pools.web.backends[0].url=http://127.0.0.1:5002", "smartstick.pools.web.engine=fast")
			.run((context) -> {
				EngineChoices choices = context.getBean(EngineChoices.class);
				assertThat(choice(choices, "api").engine()).isEqualTo("gateway");
				assertThat(choice(choices, "web"))
					.isEqualTo(new Choice("fast", "fast", "smartstick.pools.web.engine=fast"));
			});
	}

	@Test
	void fastWithAWebFilterOfTheApplicationFailsStartUpNamingIt() {
		this.runner.withUserConfiguration(OwnWebFilter.class)
			.withPropertyValues("smartstick.engine=fast")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationException.class)
					.satisfies((ex) -> assertThat(((InvalidConfigurationException) ex).getViolations())
						.singleElement()
						.satisfies((violation) -> {
							assertThat(violation.property()).isEqualTo("smartstick.engine");
							assertThat(violation.problem()).contains("ownWebFilter");
							assertThat(violation.fix()).contains("smartstick.engine-ignore-web-filters=true");
						}));
			});
	}

	@Test
	void fastWithAWebFilterOfTheApplicationIsServedWhenTheUserSaysSo() {
		this.runner.withUserConfiguration(OwnWebFilter.class)
			.withPropertyValues("smartstick.engine=fast", "smartstick.engine-ignore-web-filters=true")
			.run((context) -> {
				Choice choice = choice(context.getBean(EngineChoices.class), "default");
				assertThat(choice.engine()).isEqualTo("fast");
				assertThat(choice.reason()).contains("ignored").contains("ownWebFilter");
			});
	}

	@Test
	void fastOnAPoolWithGatewayFiltersFailsStartUpNamingTheProperty() {
		this.runner
			.withPropertyValues("smartstick.pools.api.paths=/api/**",
					"smartstick.pools.api.backends[0].id=0",
					"smartstick.pools.api.backends[0].url=http://127.0.0.1:5001",
					"smartstick.pools.api.filters[0]=StripPrefix=1", "smartstick.pools.api.engine=fast")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationException.class)
				.satisfies((ex) -> assertThat(((InvalidConfigurationException) ex).getViolations())
					.singleElement()
					.satisfies((violation) -> {
						assertThat(violation.property()).isEqualTo("smartstick.pools.api.engine");
						assertThat(violation.problem()).contains("StripPrefix=1");
					})));
	}

	@Test
	void theFastEngineIsPutBeneathWebFluxWhenAPoolIsFast() {
		this.runner.run((context) -> assertThat(routeProvidersAdded(context)).isOne());
	}

	@Test
	void anApplicationWhosePoolsAreAllOnGatewayServesEveryRequestStraightToWebFlux() {
		this.runner.withPropertyValues("smartstick.engine=gateway")
			.run((context) -> assertThat(routeProvidersAdded(context)).isZero());
	}

	@Test
	void anUnknownEngineFailsStartUp() {
		this.runner.withPropertyValues("smartstick.engine=turbo")
			.run((context) -> assertThat(context).hasFailed());
	}

	/**
	 * How many route providers the fast engine adds to a Reactor Netty server factory.
	 */
	@SuppressWarnings("unchecked")
	private static long routeProvidersAdded(ApplicationContext context) {
		NettyReactiveWebServerFactory factory = mock(NettyReactiveWebServerFactory.class);
		context.getBean("smartStickFastEngineServerCustomizer", WebServerFactoryCustomizer.class).customize(factory);
		return mockingDetails(factory).getInvocations()
			.stream()
			.filter((invocation) -> invocation.getMethod().getName().equals("addRouteProviders"))
			.count();
	}

	private static Choice choice(EngineChoices choices, String pool) {
		return choices.find(pool);
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnWebFilter {

		@Bean
		WebFilter ownWebFilter() {
			return (exchange, chain) -> chain.filter(exchange);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnGlobalFilter {

		@Bean
		GlobalFilter ownGlobalFilter() {
			return (exchange, chain) -> chain.filter(exchange);
		}

	}

}
