package io.smartstick.autoconfigure;

import java.util.List;

import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.BalancingStrategy;
import io.smartstick.balancer.BalancingStrategyCatalog;
import io.smartstick.config.BackendDefinitions;
import io.smartstick.config.SmartStickProperties;
import io.smartstick.health.BackendAdminStateChangedEvent;
import io.smartstick.health.BackendStateChangedEvent;
import io.smartstick.observe.SmartStickObserver;
import io.smartstick.routing.SmartStickRoutes;
import io.smartstick.sticky.StickyBackendSelector;
import io.smartstick.sticky.StickyCookieCodec;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of smart-stick's core: the validated backend registry, the balancing
 * strategy and the sticky backend selection. Routing, the status endpoint and operations
 * support build on these in their own auto-configurations.
 *
 * @author smart-stick
 */
@AutoConfiguration
@ConditionalOnClass(RouteLocator.class)
@ConditionalOnBooleanProperty(name = "smartstick.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SmartStickProperties.class)
public class SmartStickAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	BalancingStrategyCatalog smartStickBalancingStrategyCatalog(ObjectProvider<BalancingStrategy> strategies) {
		return new BalancingStrategyCatalog(strategies.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	BackendRegistry smartStickBackendRegistry(SmartStickProperties properties, BalancingStrategyCatalog strategies,
			ApplicationEventPublisher eventPublisher) {
		return new BackendRegistry(
				BackendDefinitions.create(properties, SmartStickRoutes.SERVICE_ID, List.copyOf(strategies.names())),
				(change) -> eventPublisher.publishEvent(new BackendStateChangedEvent(change.backend(), change)),
				(change) -> eventPublisher.publishEvent(new BackendAdminStateChangedEvent(change.backend(), change)));
	}

	@Bean
	SmartStickObserverHolder smartStickObservers(ObjectProvider<SmartStickObserver> observers) {
		return new SmartStickObserverHolder(observers);
	}

	@Bean
	@ConditionalOnMissingBean
	StickyCookieCodec smartStickCookieCodec(SmartStickProperties properties) {
		return new StickyCookieCodec(properties.getSticky().getSecret());
	}

	@Bean
	@ConditionalOnMissingBean
	StickyBackendSelector smartStickBackendSelector(SmartStickProperties properties, BackendRegistry registry,
			StickyCookieCodec codec, BalancingStrategyCatalog strategies) {
		return new StickyBackendSelector(registry, codec, strategies.get(properties.getStrategy()),
				properties.getSticky().getFailover() == SmartStickProperties.Sticky.Failover.STRICT);
	}

}
