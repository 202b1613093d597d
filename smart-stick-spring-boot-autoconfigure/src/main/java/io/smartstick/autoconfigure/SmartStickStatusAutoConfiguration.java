package io.smartstick.autoconfigure;

import io.smartstick.config.SmartStickProperties;
import io.smartstick.health.BackendHealthChecks;
import io.smartstick.balancer.Pools;
import io.smartstick.status.LoadBalancerStatus;
import io.smartstick.status.StatusEndpointRouter;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Auto-configuration of the status endpoint ({@code GET /_lb/health} by default) in the
 * original's JSON shape.
 *
 * @author smart-stick
 */
@AutoConfiguration(after = SmartStickHealthAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnBean(Pools.class)
@ConditionalOnBooleanProperty(name = "smartstick.status.enabled", matchIfMissing = true)
public class SmartStickStatusAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LoadBalancerStatus smartStickLoadBalancerStatus(Pools pools, SmartStickProperties properties,
			BackendHealthChecks healthChecks) {
		return new LoadBalancerStatus(pools, properties.getStrategy(), healthChecks::isCustom);
	}

	@Bean
	RouterFunction<ServerResponse> smartStickStatusRouterFunction(SmartStickProperties properties,
			LoadBalancerStatus status) {
		return StatusEndpointRouter.routerFunction(properties.getStatus().getPath(), status);
	}

}
