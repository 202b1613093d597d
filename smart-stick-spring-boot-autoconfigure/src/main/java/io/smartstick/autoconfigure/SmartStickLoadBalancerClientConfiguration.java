package io.smartstick.autoconfigure;

import io.smartstick.config.SmartStickProperties;
import io.smartstick.sticky.StickyBackendSelector;
import io.smartstick.sticky.StickyLoadBalancer;

import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Load-balancer client configuration of the smart-stick service id. Spring Cloud
 * LoadBalancer applies it in the service's own child context, whose parent is the
 * application context holding the selector.
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

}
