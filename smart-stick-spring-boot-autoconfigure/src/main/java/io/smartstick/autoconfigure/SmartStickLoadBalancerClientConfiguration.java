package io.smartstick.autoconfigure;

import java.util.List;

import io.smartstick.balancer.BackendRegistry;
import io.smartstick.config.SmartStickProperties;
import io.smartstick.routing.SmartStickRoutes;
import io.smartstick.sticky.StickyBackendSelector;
import io.smartstick.sticky.StickyLoadBalancer;
import reactor.core.publisher.Flux;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Load-balancer client configuration of the smart-stick service id. Spring Cloud
 * LoadBalancer applies it in the service's own child context, whose parent is the
 * application context holding the selector. The instance list supplier exposes the
 * registry's backends to anything else in Spring Cloud that asks for the service's
 * instances, in place of the default discovery-based one.
 *
 * @author smart-stick
 */
@Configuration(proxyBeanMethods = false)
class SmartStickLoadBalancerClientConfiguration {

	@Bean
	ReactorServiceInstanceLoadBalancer smartStickLoadBalancer(StickyBackendSelector selector,
			SmartStickProperties properties) {
		return new StickyLoadBalancer(selector, properties.getSticky().getCookieName());
	}

	@Bean
	ServiceInstanceListSupplier smartStickServiceInstanceListSupplier(BackendRegistry registry) {
		return new ServiceInstanceListSupplier() {

			@Override
			public String getServiceId() {
				return SmartStickRoutes.SERVICE_ID;
			}

			@Override
			public Flux<List<ServiceInstance>> get() {
				return Flux.defer(() -> Flux.just(List.copyOf(registry.available())));
			}

		};
	}

}
