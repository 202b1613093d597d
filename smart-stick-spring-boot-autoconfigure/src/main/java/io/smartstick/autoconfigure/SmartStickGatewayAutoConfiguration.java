package io.smartstick.autoconfigure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import io.smartstick.balancer.BackendRegistry;
import io.smartstick.config.SmartStickProperties;
import io.smartstick.routing.ConnectionReuseTracking;
import io.smartstick.routing.ProxyErrorFilter;
import io.smartstick.routing.RouteFirstHandlerMapping;
import io.smartstick.routing.SinglePassFiltersPostProcessor;
import io.smartstick.routing.SmartStickRoutes;
import io.smartstick.routing.UntrustedPeerForwardedHeadersFilter;
import io.smartstick.routing.WebSocketProxyFilter;
import io.smartstick.sticky.InFlightReleaseFilter;
import io.smartstick.sticky.StickyBackendSelector;
import io.smartstick.sticky.StickyCookieCodec;
import io.smartstick.sticky.StickyCookieWriter;
import io.smartstick.sticky.StickySessionFilter;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.gateway.filter.headers.ForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.TrustedProxies;
import org.springframework.cloud.gateway.filter.headers.XForwardedHeadersFilter;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClientSpecification;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of the request path through Spring Cloud Gateway: the route to the
 * pool, the sticky {@link ReactorServiceInstanceLoadBalancer} registered for its service
 * id, the filter that counts requests and writes the sticky cookie, and the error
 * answers.
 *
 * @author smart-stick
 */
@AutoConfiguration(after = SmartStickAutoConfiguration.class)
@ConditionalOnClass({ RouteLocator.class, ReactorServiceInstanceLoadBalancer.class })
@ConditionalOnBean(io.smartstick.sticky.StickyBackendSelector.class)
public class SmartStickGatewayAutoConfiguration {

	private static final String ACTUATOR_CLASS = "org.springframework.boot.actuate.endpoint.annotation.Endpoint";

	@Bean
	LoadBalancerClientSpecification smartStickLoadBalancerClientSpecification() {
		return new LoadBalancerClientSpecification(SmartStickRoutes.SERVICE_ID,
				new Class<?>[] { SmartStickLoadBalancerClientConfiguration.class });
	}

	@Bean
	RouteLocator smartStickRouteLocator(RouteLocatorBuilder builder, SmartStickProperties properties,
			Environment environment) {
		return SmartStickRoutes.routeLocator(builder, properties, servedLocally(environment));
	}

	@Bean
	RouteFirstHandlerMapping smartStickRouteFirstHandlerMapping(RoutePredicateHandlerMapping gatewayMapping,
			SmartStickProperties properties, Environment environment, ApplicationContext context) {
		return SmartStickRoutes.routeFirstHandlerMapping(gatewayMapping, properties, servedLocally(environment),
				context);
	}

	@Bean
	@ConditionalOnMissingBean
	StickyCookieWriter smartStickCookieWriter(SmartStickProperties properties, StickyCookieCodec codec) {
		return new StickyCookieWriter(properties.getSticky(), codec);
	}

	@Bean
	StickySessionFilter smartStickSessionFilter(StickyBackendSelector selector, SmartStickProperties properties,
			StickyCookieWriter cookieWriter, SmartStickObserverHolder observers) {
		return new StickySessionFilter(selector, properties.getSticky().getCookieName(), cookieWriter,
				observers.get());
	}

	@Bean
	InFlightReleaseFilter smartStickInFlightReleaseFilter() {
		return new InFlightReleaseFilter();
	}

	@Bean
	ProxyErrorFilter smartStickProxyErrorFilter(SmartStickProperties properties, BackendRegistry registry,
			SmartStickObserverHolder observers) {
		return new ProxyErrorFilter(registry, properties.getHealth().isPassive(), properties.getProxy().getRetries(),
				properties.getHealth().getInterval().toSeconds(), Clock.systemUTC(), observers.get());
	}

	@Bean
	ConnectionReuseTracking smartStickConnectionReuseTracking() {
		return new ConnectionReuseTracking();
	}

	@Bean
	WebSocketProxyFilter smartStickWebSocketProxyFilter(HttpClient httpClient, SmartStickProperties properties,
			ObjectProvider<List<HttpHeadersFilter>> headersFilters) {
		SmartStickProperties.Proxy proxy = properties.getProxy();
		return new WebSocketProxyFilter(httpClient, proxy.getConnectTimeout(), proxy.getResponseTimeout(),
				proxy.getWebsocketIdleTimeout(), headersFilters);
	}

	@Bean
	UntrustedPeerForwardedHeadersFilter smartStickUntrustedPeerForwardedHeadersFilter(Environment environment,
			ObjectProvider<XForwardedHeadersFilter> xForwarded, ObjectProvider<ForwardedHeadersFilter> forwarded) {
		String trustedProxies = environment.getProperty(TrustedProxies.PROPERTY);
		return new UntrustedPeerForwardedHeadersFilter(
				StringUtils.hasText(trustedProxies) ? trustedProxies : UntrustedPeerForwardedHeadersFilter.TRUST_NONE,
				xForwarded::getIfUnique, forwarded::getIfUnique);
	}

	/**
	 * Gateway's {@code X-Forwarded-*} and hop-by-hop header filters and its request URL
	 * filter with the same settings, each written in one pass.
	 * Static, as a post-processor is created before the beans it processes.
	 * @return the post-processor
	 */
	@Bean
	static SinglePassFiltersPostProcessor smartStickSinglePassFiltersPostProcessor() {
		return new SinglePassFiltersPostProcessor();
	}

	private static List<String> servedLocally(Environment environment) {
		List<String> paths = new ArrayList<>();
		if (ClassUtils.isPresent(ACTUATOR_CLASS, SmartStickGatewayAutoConfiguration.class.getClassLoader())) {
			String managementPort = environment.getProperty("management.server.port");
			String serverPort = environment.getProperty("server.port", "8080");
			if (managementPort == null || managementPort.equals(serverPort)) {
				paths.add(environment.getProperty("management.endpoints.web.base-path", "/actuator"));
			}
		}
		return paths;
	}

}
