package io.smartstick.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
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
import org.springframework.web.util.pattern.PathPattern;

/**
 * Opens the fast engine once the application context is refreshed, after a last check
 * that a fast pool chosen by {@code auto} shadows nothing of the application's own. The
 * paths of WebFlux handlers ordered before Gateway's (controllers, router functions on
 * plain paths) are left to WebFlux by the fast engine, so that they are served as on
 * Gateway; but a handler whose paths cannot be known, or a Gateway route of the
 * application's own, would be served ahead of by the fast engine, so such pools go back
 * to Gateway, which orders them as before. Logs each pool's engine and why.
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
		List<PathPattern> applicationPaths = new ArrayList<>();
		String shadowed = shadowed(event, applicationPaths);
		for (Map.Entry<String, Choice> entry : this.choices.all().entrySet()) {
			Choice choice = entry.getValue();
			if (shadowed != null && choice.isFast()) {
				if ("auto".equals(choice.configured())) {
					this.choices.revise(entry.getKey(), new Choice(EngineChoices.GATEWAY, choice.configured(),
							"auto: the fast engine would serve the pool ahead of " + shadowed));
				}
				else {
					logger.warn("Pool '" + entry.getKey() + "' is served by the fast engine, ahead of " + shadowed
							+ ": they cannot see the requests the pool's paths and hosts claim");
				}
			}
		}
		for (Map.Entry<String, Choice> entry : this.choices.all().entrySet()) {
			logger.info("Pool '" + entry.getKey() + "' is served by the " + entry.getValue().engine() + " engine ("
					+ entry.getValue().reason() + ")");
		}
		if (!applicationPaths.isEmpty() && this.choices.all().values().stream().anyMatch(Choice::isFast)) {
			logger.info("The fast engine leaves the paths of the application's own handlers to WebFlux: "
					+ applicationPaths.stream().map(PathPattern::getPatternString).distinct().toList());
		}
		this.provider.open((this.context instanceof WebServerApplicationContext server && server.getWebServer() != null)
				? server.getWebServer().getPort() : -1, applicationPaths);
	}

	private String shadowed(ContextRefreshedEvent event, List<PathPattern> applicationPaths) {
		RoutePredicateHandlerMapping gateway = this.gatewayMapping.getIfUnique();
		if (gateway != null) {
			ApplicationHandlers handlers = ApplicationHandlers.find(event.getApplicationContext(),
					gateway.getOrder(), this.excluded, (candidate) -> candidate == gateway
							|| candidate.getClass().getName().startsWith("io.smartstick."));
			// left to WebFlux even by a pool that stays fast ahead of handlers whose paths cannot be known
			applicationPaths.addAll(handlers.paths());
			if (handlers.unknown() != null) {
				return "the application's " + handlers.unknown() + ", whose paths cannot be known";
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
