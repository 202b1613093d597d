package io.smartstick.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.smartstick.fast.EngineChoices;
import io.smartstick.fast.EngineChoices.Choice;
import io.smartstick.fast.FastEngineRouteProvider;
import io.smartstick.routing.ApplicationHandlers;
import io.smartstick.routing.ExcludedPaths;
import io.smartstick.routing.SmartStickRoutes;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;

/**
 * Opens the fast engine once the application context is refreshed, after a last check
 * that a fast pool chosen by {@code auto} shadows nothing of the application's own: a
 * WebFlux handler ordered before Gateway's (a controller, a router function) or a
 * Gateway route of its own would be served ahead of by the fast engine, so such pools go
 * back to Gateway, which orders them as before. Logs each pool's engine and why.
 *
 * @author smart-stick
 */
final class FastEngineOpener implements ApplicationListener<ContextRefreshedEvent> {

	private static final Log logger = LogFactory.getLog(FastEngineOpener.class);

	private final FastEngineRouteProvider provider;

	private final EngineChoices choices;

	private final ObjectProvider<RoutePredicateHandlerMapping> gatewayMapping;

	private final ObjectProvider<RouteLocator> routeLocator;

	private final ExcludedPaths excluded;

	private final ApplicationContext context;

	FastEngineOpener(ApplicationContext context, FastEngineRouteProvider provider, EngineChoices choices,
			ObjectProvider<RoutePredicateHandlerMapping> gatewayMapping, ObjectProvider<RouteLocator> routeLocator,
			ExcludedPaths excluded) {
		this.context = context;
		this.provider = provider;
		this.choices = choices;
		this.gatewayMapping = gatewayMapping;
		this.routeLocator = routeLocator;
		this.excluded = excluded;
	}

	@Override
	public void onApplicationEvent(ContextRefreshedEvent event) {
		if (event.getApplicationContext() != this.context || this.provider.isOpen()) {
			return;
		}
		String shadowed = shadowed(event);
		for (Map.Entry<String, Choice> entry : this.choices.all().entrySet()) {
			Choice choice = entry.getValue();
			if (shadowed != null && choice.isFast()) {
				if ("auto".equals(choice.configured())) {
					this.choices.revise(entry.getKey(), new Choice(EngineChoices.GATEWAY, choice.configured(),
							"auto: the fast engine would serve the pool ahead of " + shadowed));
				}
				else {
					logger.warn("Pool '" + entry.getKey() + "' is served by the fast engine, ahead of " + shadowed
							+ ", which cannot see the requests the pool's paths and hosts claim");
				}
			}
		}
		for (Map.Entry<String, Choice> entry : this.choices.all().entrySet()) {
			logger.info("Pool '" + entry.getKey() + "' is served by the " + entry.getValue().engine() + " engine ("
					+ entry.getValue().reason() + ")");
		}
		this.provider.open((this.context instanceof WebServerApplicationContext server && server.getWebServer() != null)
				? server.getWebServer().getPort() : -1);
	}

	private String shadowed(ContextRefreshedEvent event) {
		RoutePredicateHandlerMapping gateway = this.gatewayMapping.getIfUnique();
		if (gateway != null) {
			String mapping = ApplicationHandlers.firstShadowed(event.getApplicationContext(), gateway.getOrder(),
					this.excluded, (candidate) -> candidate == gateway
							|| candidate.getClass().getName().startsWith("io.smartstick."));
			if (mapping != null) {
				return "the application's " + mapping;
			}
		}
		RouteLocator locator = this.routeLocator.getIfUnique();
		if (locator != null) {
			List<String> own = locator.getRoutes()
				.filter((route) -> !SmartStickRoutes.isPoolRoute(route))
				.map(Route::getId)
				.collectList()
				.block(Duration.ofSeconds(30));
			if (own != null && !own.isEmpty()) {
				return "the application's Gateway routes " + own;
			}
		}
		return null;
	}

}
