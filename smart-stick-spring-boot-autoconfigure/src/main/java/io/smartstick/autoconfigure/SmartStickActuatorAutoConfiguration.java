package io.smartstick.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.smartstick.actuate.HealthCheckTracker;
import io.smartstick.actuate.SmartStickEndpoint;
import io.smartstick.actuate.SmartStickHealthIndicator;
import io.smartstick.balancer.Pool;
import io.smartstick.balancer.Pools;
import io.smartstick.config.SmartStickProperties;
import io.smartstick.fast.EngineChoices;
import io.smartstick.health.BackendHealthChecks;
import io.smartstick.status.LoadBalancerStatus;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of smart-stick's Actuator support: the {@code smartstick} endpoint
 * when it is available (exposed and accessible), and the {@code smartstick} health
 * contributor unless {@code management.health.smartstick.enabled=false}.
 *
 * @author smart-stick
 */
@AutoConfiguration(after = { SmartStickHealthAutoConfiguration.class, SmartStickStatusAutoConfiguration.class })
@ConditionalOnBean(Pools.class)
public class SmartStickActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint(SmartStickEndpoint.class)
		HealthCheckTracker smartStickHealthCheckTracker() {
			return new HealthCheckTracker();
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		SmartStickEndpoint smartStickEndpoint(Pools pools, HealthCheckTracker checks,
				ObjectProvider<LoadBalancerStatus> status, SmartStickProperties properties,
				BackendHealthChecks healthChecks, ObjectProvider<EngineChoices> engines) {
			return new SmartStickEndpoint(status.getIfAvailable(
					() -> new LoadBalancerStatus(pools, properties.getStrategy(), healthChecks::isCustom)),
					pools, checks, () -> describe(engines.getIfAvailable()));
		}

		private static Map<String, Object> describe(EngineChoices choices) {
			Map<String, Object> engines = new LinkedHashMap<>();
			if (choices != null) {
				choices.all().forEach((pool, choice) -> engines.put(pool, choice.describe()));
			}
			return engines;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("smartstick")
	static class HealthIndicatorConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "smartstickHealthIndicator")
		HealthContributor smartstickHealthIndicator(Pools pools, SmartStickProperties properties) {
			boolean down = properties.getHealthIndicator().isDownWhenNoHealthyBackend();
			if (pools.onlyDefault()) {
				return new SmartStickHealthIndicator(pools.defaultPool().registry(), down);
			}
			Map<String, HealthContributor> perPool = new LinkedHashMap<>();
			for (Pool pool : pools.all()) {
				perPool.put(pool.name(), new SmartStickHealthIndicator(pool.registry(), down));
			}
			return CompositeHealthContributor.fromMap(perPool);
		}

	}

}
