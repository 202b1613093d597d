package io.smartstick.autoconfigure;

import java.util.Map;

import io.smartstick.balancer.BackendRegistry;
import io.smartstick.config.InvalidConfigurationException;
import io.smartstick.discovery.DiscoveredPools;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SmartStickDiscoveryAutoConfiguration}.
 */
class SmartStickDiscoveryAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(SmartStickAutoConfiguration.class, SmartStickDiscoveryAutoConfiguration.class));

	@Test
	void discoveredPoolTakesItsBackendsFromTheDiscoveryClient() {
		this.runner.withUserConfiguration(OneInstance.class)
			.withPropertyValues("smartstick.discovery.service-id=shop")
			.run((context) -> {
				assertThat(context).hasSingleBean(DiscoveredPools.class);
				BackendRegistry registry = context.getBean(BackendRegistry.class);
				assertThat(registry.all()).singleElement().satisfies((backend) -> {
					assertThat(backend.url().toString()).isEqualTo("http://127.0.0.1:9001");
					assertThat(backend.weight()).isEqualTo(2);
					assertThat(backend.hasNumericKey()).isFalse();
				});
			});
	}

	@Test
	void staticPoolsHaveNoDiscoveredPool() {
		this.runner.withUserConfiguration(OneInstance.class)
			.withPropertyValues("smartstick.backends[0].id=0", "smartstick.backends[0].url=http://127.0.0.1:9000")
			.run((context) -> assertThat(context.getBean(DiscoveredPools.class).all()).isEmpty());
	}

	@Test
	void discoveredPoolWithoutDiscoveryClientFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("smartstick.discovery.service-id=shop")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationException.class)
				.hasMessageContaining("smartstick.discovery.service-id is set but the application has no "
						+ "ReactiveDiscoveryClient"));
	}

	@Configuration(proxyBeanMethods = false)
	static class OneInstance {

		@Bean
		ReactiveDiscoveryClient discoveryClient() {
			return new ReactiveDiscoveryClient() {

				@Override
				public String description() {
					return "one instance";
				}

				@Override
				public Flux<ServiceInstance> getInstances(String serviceId) {
					return Flux.just(new DefaultServiceInstance("shop-1", serviceId, "127.0.0.1", 9001, false,
							Map.of("weight", "2")));
				}

				@Override
				public Flux<String> getServices() {
					return Flux.just("shop");
				}

			};
		}

	}

}
