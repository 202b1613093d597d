package io.smartstick.autoconfigure;

import io.smartstick.balancer.BalancingStrategyCatalog;
import io.smartstick.balancer.Pools;
import io.smartstick.config.BackendReloader;
import io.smartstick.config.ConfigFileWatcher;
import io.smartstick.config.SmartStickProperties;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.io.ApplicationResourceLoader;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of backend changes while running: the file named by
 * {@code smartstick.config-file} is watched, and {@code smartstick.*} properties refreshed
 * through Spring Cloud's {@link EnvironmentChangeEvent} ({@code /actuator/refresh}) are
 * applied. Both re-bind and re-validate the whole configuration as at start-up.
 *
 * @author smart-stick
 */
@AutoConfiguration(after = SmartStickAutoConfiguration.class)
@ConditionalOnBean(Pools.class)
@ConditionalOnBooleanProperty(name = "smartstick.reload.enabled", matchIfMissing = true)
public class SmartStickReloadAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	BackendReloader smartStickBackendReloader(Pools pools, SmartStickPoolDefinitions definitions,
			BalancingStrategyCatalog strategies, ListableBeanFactory beanFactory) {
		return new BackendReloader(pools, definitions.all(),
				(binder) -> SmartStickAutoConfiguration.definitions(
						binder.bindOrCreate(SmartStickProperties.PREFIX, SmartStickProperties.class), binder,
						strategies, beanFactory));
	}

	@Bean
	@ConditionalOnProperty("smartstick.config-file")
	ConfigFileWatcher smartStickConfigFileWatcher(ConfigurableEnvironment environment, ResourceLoader resourceLoader,
			SmartStickProperties properties, BackendReloader reloader) {
		return new ConfigFileWatcher(environment, properties.getConfigFile(),
				ApplicationResourceLoader.get(resourceLoader.getClassLoader()),
				properties.getReload().getInterval(), Schedulers.boundedElastic(), reloader);
	}

	/**
	 * Applies {@code smartstick.*} properties refreshed through Spring Cloud.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(EnvironmentChangeEvent.class)
	static class RefreshConfiguration {

		@Bean
		ApplicationListener<EnvironmentChangeEvent> smartStickRefreshListener(Environment environment,
				BackendReloader reloader) {
			return (event) -> {
				if (event.getKeys().stream().anyMatch((key) -> key.startsWith(SmartStickProperties.PREFIX + "."))) {
					reloader.reload(Binder.get(environment), "refreshed smartstick.* properties");
				}
			};
		}

	}

}
