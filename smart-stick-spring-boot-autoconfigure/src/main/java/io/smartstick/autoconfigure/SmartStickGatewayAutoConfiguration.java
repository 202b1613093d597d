package io.smartstick.autoconfigure;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.smartstick.config.ConfigurationViolation;
import io.smartstick.config.InvalidConfigurationException;
import io.smartstick.config.PoolDefinition;
import io.smartstick.config.SmartStickProperties;
import io.smartstick.observe.SmartStickObserver;
import io.smartstick.routing.BackendRequestHook;
import io.smartstick.routing.PoolRoutes;
import io.smartstick.routing.ProxyErrorFilter;
import io.smartstick.routing.SmartStickRoutes;
import io.smartstick.routing.UntrustedPeerForwardedHeadersFilter;
import io.smartstick.routing.WebSocketProxyFilter;
import io.smartstick.sticky.InFlightReleaseFilter;
import io.smartstick.sticky.StickyCookieWriter;
import io.smartstick.sticky.StickyPool;
import io.smartstick.sticky.StickyPools;
import io.smartstick.sticky.StickySessionFilter;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.filter.headers.ForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.TrustedProxies;
import org.springframework.cloud.gateway.filter.headers.XForwardedHeadersFilter;
import org.springframework.cloud.gateway.handler.predicate.RoutePredicateFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClientSpecification;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of the request path through Spring Cloud Gateway: one route per
 * pool, carrying the pool's own Gateway filters and smart-stick's route-scoped filters
 * (retries and error answers, in-flight counting, the sticky choice and cookie, the
 * WebSocket proxy), and the sticky {@link ReactorServiceInstanceLoadBalancer} of the
 * default pool for other Spring Cloud LoadBalancer clients.
 *
 * @author smart-stick
 */
@AutoConfiguration(after = SmartStickAutoConfiguration.class)
@ConditionalOnClass({ RouteLocator.class, ReactorServiceInstanceLoadBalancer.class })
@ConditionalOnBean(StickyPools.class)
public class SmartStickGatewayAutoConfiguration {

	@Bean
	@Conditional(OnDefaultPoolCondition.class)
	LoadBalancerClientSpecification smartStickLoadBalancerClientSpecification() {
		return new LoadBalancerClientSpecification(SmartStickRoutes.SERVICE_ID,
				new Class<?>[] { SmartStickLoadBalancerClientConfiguration.class });
	}

	@Bean
	@SuppressWarnings("rawtypes") // Gateway's factories are collected as raw types, as Gateway itself does
	RouteLocator smartStickRouteLocator(SmartStickPoolDefinitions definitions, StickyPools stickyPools,
			SmartStickObserverHolder observers, HttpClient httpClient,
			ObjectProvider<List<HttpHeadersFilter>> headersFilters,
			List<RoutePredicateFactory> predicateFactories, List<GatewayFilterFactory> filterFactories,
			GatewayProperties gatewayProperties, ConfigurationService configurationService,
			SmartStickProperties properties, Environment environment) {
		checkFilterNames(definitions, filterFactories);
		SmartStickObserver observer = observers.lazy();
		InFlightReleaseFilter inFlight = new InFlightReleaseFilter();
		Map<String, List<GatewayFilter>> filters = new HashMap<>();
		List<PoolRoutes.Spec> specs = new ArrayList<>();
		for (PoolDefinition definition : definitions.all()) {
			StickyPool sticky = stickyPools.find(definition.name());
			PoolDefinition.Proxy proxy = definition.proxy();
			filters.put(definition.name(), List.<GatewayFilter>of(
					new ProxyErrorFilter(PoolPassiveDetection.of(definition, sticky.pool().registry()),
							proxy.retries(), proxy.responseTimeout(), definition.healthChecks().interval().toSeconds(),
							observer),
					inFlight, new StickySessionFilter(sticky.selector(), sticky.cookieName(), sticky.cookieWriter(),
							observer),
					new WebSocketProxyFilter(httpClient, proxy.connectTimeout(), proxy.responseTimeout(),
							proxy.websocketIdleTimeout(), headersFilters)));
			specs.add(new PoolRoutes.Spec(definition.name(), SmartStickRoutes.serviceId(definition.name()),
					definition.paths(), definition.hosts(), definition.order(), definition.filters(),
					proxy.connectTimeout()));
		}
		try {
			List<Route> routes = PoolRoutes.build(specs, filters::get, ServedLocally.paths(properties, environment),
					predicateFactories, filterFactories, gatewayProperties, configurationService);
			return () -> Flux.fromIterable(routes);
		}
		catch (PoolRoutes.UnbuildableRouteException ex) {
			PoolDefinition definition = definitions.find(ex.pool());
			throw new InvalidConfigurationException(List.of(new ConfigurationViolation(
					definition.propertyPrefix() + ".filters", String.join(", ", definition.filters()),
					"could not be applied by Gateway: " + ((ex.getCause() != null) ? ex.getCause() : "see its warning above"),
					"Check each filter's arguments against Gateway's documentation of that filter, such as "
							+ "StripPrefix=1 or RewritePath=/api/(?<rest>.*), /${rest}.")));
		}
	}

	/**
	 * Fail start-up on a filter name Gateway does not know: Gateway would only log a
	 * warning and leave the pool without a route.
	 */
	@SuppressWarnings("rawtypes")
	private static void checkFilterNames(SmartStickPoolDefinitions definitions,
			List<GatewayFilterFactory> filterFactories) {
		Set<String> known = filterFactories.stream().map(GatewayFilterFactory::name).collect(Collectors.toSet());
		List<ConfigurationViolation> violations = new ArrayList<>();
		for (PoolDefinition definition : definitions.all()) {
			List<String> filters = definition.filters();
			for (int i = 0; i < filters.size(); i++) {
				String name = PoolRoutes.filterName(filters.get(i));
				if (!known.contains(name)) {
					violations.add(new ConfigurationViolation(definition.propertyPrefix() + ".filters[" + i + "]",
							filters.get(i), "names no Gateway filter '" + name + "'",
							"Use the name of a Gateway filter such as StripPrefix, RewritePath, AddRequestHeader or "
									+ "RequestRateLimiter (known here: "
									+ known.stream().sorted().collect(Collectors.joining(", ")) + ")."));
				}
			}
		}
		if (!violations.isEmpty()) {
			throw new InvalidConfigurationException(violations);
		}
	}

	/**
	 * The default pool's cookie writer, for applications that know one pool only.
	 * @param pools the sticky side of every pool
	 * @return the default pool's cookie writer
	 */
	@Bean
	@Conditional(OnDefaultPoolCondition.class)
	StickyCookieWriter smartStickCookieWriter(StickyPools pools) {
		return pools.find(io.smartstick.balancer.Backend.DEFAULT_POOL).cookieWriter();
	}

	@Bean
	BackendRequestHook smartStickBackendRequestHook() {
		return new BackendRequestHook();
	}

	@Bean
	UntrustedPeerForwardedHeadersFilter smartStickUntrustedPeerForwardedHeadersFilter(Environment environment,
			ObjectProvider<XForwardedHeadersFilter> xForwarded, ObjectProvider<ForwardedHeadersFilter> forwarded) {
		String trustedProxies = environment.getProperty(TrustedProxies.PROPERTY);
		return new UntrustedPeerForwardedHeadersFilter(
				StringUtils.hasText(trustedProxies) ? trustedProxies : UntrustedPeerForwardedHeadersFilter.TRUST_NONE,
				xForwarded::getIfUnique, forwarded::getIfUnique);
	}

}
