package io.smartstick.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.smartstick.balancer.Pools;
import io.smartstick.config.ConfigurationViolation;
import io.smartstick.config.InvalidConfigurationException;
import io.smartstick.config.PoolDefinition;
import io.smartstick.discovery.DiscoveredPool;
import io.smartstick.discovery.DiscoveredPools;
import io.smartstick.discovery.DiscoverySettings;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.discovery.composite.reactive.ReactiveCompositeDiscoveryClientAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of pools whose backends come from service discovery
 * ({@code smartstick.discovery.service-id}, {@code smartstick.pools.<name>.discovery.service-id})
 * through the application's {@link ReactiveDiscoveryClient}, whichever implementation is
 * on the class path.
 *
 * @author smart-stick
 */
@AutoConfiguration(after = { SmartStickAutoConfiguration.class, ReactiveCompositeDiscoveryClientAutoConfiguration.class })
@ConditionalOnClass(ReactiveDiscoveryClient.class)
@ConditionalOnBean(Pools.class)
public class SmartStickDiscoveryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DiscoveredPools smartStickDiscoveredPools(Pools pools, SmartStickPoolDefinitions definitions,
			ObjectProvider<ReactiveDiscoveryClient> clients) {
		List<DiscoveredPool> discovered = new ArrayList<>();
		for (PoolDefinition definition : definitions.all()) {
			if (!definition.isDiscovered()) {
				continue;
			}
			ReactiveDiscoveryClient client = clients.getIfAvailable();
			if (client == null) {
				throw new InvalidConfigurationException(List.of(new ConfigurationViolation(
						definition.propertyPrefix() + ".discovery.service-id", definition.discovery().serviceId(),
						"is set but the application has no ReactiveDiscoveryClient",
						"Add a Spring Cloud discovery client (such as spring-cloud-starter-kubernetes-client, "
								+ "-netflix-eureka-client, -consul-discovery or -zookeeper-discovery) and enable it, "
								+ "or list the pool's backends instead.")));
			}
			PoolDefinition.Discovery discovery = definition.discovery();
			DiscoverySettings settings = new DiscoverySettings(definition.name(), discovery.serviceId(),
					SmartStickAutoConfiguration.serviceId(definition.name()), discovery.refreshInterval(),
					discovery.health(), definition.healthChecks().enabled());
			discovered.add(new DiscoveredPool(settings, pools.find(definition.name()).registry(), client));
		}
		return new DiscoveredPools(discovered, Schedulers.parallel());
	}

}
