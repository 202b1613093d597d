package io.smartstick.autoconfigure;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.netty.channel.ChannelOption;
import io.smartstick.config.PoolDefinition;
import io.smartstick.config.SmartStickProperties;
import io.smartstick.fast.EngineChoices;
import io.smartstick.fast.FastEngineRouteProvider;
import io.smartstick.fast.FastProxy;
import io.smartstick.fast.FastRoutes;
import io.smartstick.fast.ForwardingHeaders;
import io.smartstick.fast.PoolRequestMatcher;
import io.smartstick.observe.SmartStickObserver;
import io.smartstick.routing.ExcludedPaths;
import io.smartstick.routing.UntrustedPeerForwardedHeadersFilter;
import io.smartstick.sticky.StickyPool;
import io.smartstick.sticky.StickyPools;
import io.smartstick.tunnel.WebSocketUpgrade;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.filter.headers.TrustedProxies;
import org.springframework.cloud.gateway.filter.headers.XForwardedHeadersFilter;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of the fast engine: which engine serves each pool, and for the fast
 * pools smart-stick's own Reactor Netty proxy, plugged in beneath WebFlux through Spring
 * Boot's {@link NettyRouteProvider} and opened once the context is refreshed.
 *
 * @author smart-stick
 */
@AutoConfiguration(after = SmartStickGatewayAutoConfiguration.class)
@ConditionalOnClass({ HttpServer.class, NettyRouteProvider.class, RouteLocator.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnBean(StickyPools.class)
public class SmartStickFastEngineAutoConfiguration {

	private static final String FORWARDED_ENABLED = "spring.cloud.gateway.server.webflux.forwarded.enabled";

	@Bean
	EngineChoices smartStickEngineChoices(SmartStickProperties properties, SmartStickPoolDefinitions definitions,
			GatewayProperties gatewayProperties, Environment environment, ConfigurableListableBeanFactory beanFactory) {
		List<String> gatewayOnly = new ArrayList<>();
		if (!gatewayProperties.getDefaultFilters().isEmpty()) {
			gatewayOnly.add("Gateway's default filters apply to every route");
		}
		if (environment.getProperty(FORWARDED_ENABLED, Boolean.class, false)) {
			gatewayOnly.add("Gateway writes the Forwarded header (" + FORWARDED_ENABLED + "=true)");
		}
		return EngineSelection.decide(properties, definitions.all(), gatewayOnly, OwnFilters.find(beanFactory));
	}

	@Bean
	FastEngineRouteProvider smartStickFastEngineRouteProvider(ObjectProvider<FastRoutes> routes) {
		// resolved once the context is refreshed: the web server (and this provider) comes first
		return new FastEngineRouteProvider(routes::getIfAvailable);
	}

	/**
	 * Puts the fast engine beneath WebFlux only when a pool is chosen fast: with any route
	 * provider, Boot serves every request through Reactor Netty's routes (a match per
	 * request), which an application whose pools are all on Gateway should not pay for.
	 * Choices are only ever revised from fast to Gateway, so none is missed.
	 */
	@Bean
	WebServerFactoryCustomizer<NettyReactiveWebServerFactory> smartStickFastEngineServerCustomizer(
			FastEngineRouteProvider provider, EngineChoices choices) {
		return (factory) -> {
			if (choices.anyFast()) {
				factory.addRouteProviders(provider::apply);
			}
		};
	}

	@Bean
	FastEngineOpener smartStickFastEngineOpener(FastEngineRouteProvider provider, EngineChoices choices,
			ObjectProvider<RoutePredicateHandlerMapping> gatewayMapping, ObjectProvider<RouteLocator> routeLocator,
			SmartStickProperties properties, Environment environment, ApplicationContext context) {
		return new FastEngineOpener(context, provider, choices, gatewayMapping, routeLocator,
				new ExcludedPaths(ServedLocally.paths(properties, environment)));
	}

	/**
	 * The pools' routes, built when the engine is opened: after the last revision of the
	 * engine choices.
	 */
	@Bean
	@Lazy
	FastRoutes smartStickFastRoutes(EngineChoices choices, SmartStickPoolDefinitions definitions,
			StickyPools stickyPools, SmartStickObserverHolder observers, HttpClient httpClient,
			ObjectProvider<XForwardedHeadersFilter> xForwarded, SmartStickProperties properties,
			Environment environment) {
		SmartStickObserver observer = observers.lazy();
		ExcludedPaths excluded = new ExcludedPaths(ServedLocally.paths(properties, environment));
		ForwardingHeaders forwarding = new ForwardingHeaders(forwardingSettings(xForwarded.getIfUnique()),
				trustedProxies(environment)::isTrusted);
		List<PoolDefinition> ordered = new ArrayList<>(definitions.all());
		// as Gateway orders the pools' routes: by order, then in configuration order
		ordered.sort(Comparator.comparingInt(SmartStickFastEngineAutoConfiguration::routeOrder));
		List<FastRoutes.Entry> entries = new ArrayList<>();
		for (PoolDefinition definition : ordered) {
			PoolRequestMatcher matcher = new PoolRequestMatcher(definition.paths(), definition.hosts(), excluded);
			FastProxy proxy = null;
			if (choices.isFast(definition.name())) {
				StickyPool sticky = stickyPools.find(definition.name());
				PoolDefinition.Proxy settings = definition.proxy();
				int connectMillis = (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
				HttpClient pooled = httpClient.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
					.responseTimeout(settings.responseTimeout());
				// a different set of channel options is a different connection pool: never an idle pooled connection
				HttpClient fresh = httpClient
					.option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
							(connectMillis < Integer.MAX_VALUE) ? connectMillis + 1 : connectMillis - 1)
					.responseTimeout(settings.responseTimeout());
				proxy = new FastProxy(sticky.selector(), sticky.cookieWriter(), forwarding, pooled, fresh,
						FastProxy.Settings.of(PoolPassiveDetection.of(definition, sticky.pool().registry()),
								settings.retries(), definition.healthChecks().interval().toSeconds()),
						observer, new WebSocketUpgrade(settings.websocketIdleTimeout()));
			}
			entries.add(new FastRoutes.Entry(definition.name(), matcher, proxy));
		}
		return new FastRoutes(entries);
	}

	private static int routeOrder(PoolDefinition definition) {
		if (definition.order() != null) {
			return definition.order();
		}
		return definition.claimsEveryRequest() ? Ordered.LOWEST_PRECEDENCE : 0;
	}

	private static TrustedProxies trustedProxies(Environment environment) {
		String trusted = environment.getProperty(TrustedProxies.PROPERTY);
		return TrustedProxies
			.from(StringUtils.hasText(trusted) ? trusted : UntrustedPeerForwardedHeadersFilter.TRUST_NONE);
	}

	private static ForwardingHeaders.Settings forwardingSettings(XForwardedHeadersFilter filter) {
		if (filter == null) {
			return new ForwardingHeaders.Settings(false, false, false, false, false, false, false, false, false);
		}
		return new ForwardingHeaders.Settings(filter.isEnabled(), filter.isForEnabled(), filter.isHostEnabled(),
				filter.isPortEnabled(), filter.isProtoEnabled(), filter.isForAppend(), filter.isHostAppend(),
				filter.isPortAppend(), filter.isProtoAppend());
	}

}
