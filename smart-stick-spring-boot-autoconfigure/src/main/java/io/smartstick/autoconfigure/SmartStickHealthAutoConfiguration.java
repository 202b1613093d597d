package io.smartstick.autoconfigure;

import java.time.Clock;
import java.util.Map;

import io.smartstick.balancer.BackendRegistry;
import io.smartstick.config.SmartStickProperties;
import io.smartstick.health.BackendHealthChecks;
import io.smartstick.health.BackendStateLogger;
import io.smartstick.health.HealthCheck;
import io.smartstick.health.HealthCheckScheduler;
import io.smartstick.health.HttpHealthCheck;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of active health checking: the default HTTP check, the check of
 * each backend, the scheduler, and the log of state changes.
 *
 * @author smart-stick
 */
@AutoConfiguration(after = SmartStickAutoConfiguration.class)
@ConditionalOnBean(BackendRegistry.class)
public class SmartStickHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(HealthCheck.class)
	HttpHealthCheck httpHealthCheck() {
		return new HttpHealthCheck();
	}

	@Bean
	@ConditionalOnMissingBean
	BackendHealthChecks smartStickBackendHealthChecks(ListableBeanFactory beanFactory,
			ObjectProvider<HealthCheck> checks, SmartStickProperties properties) {
		Map<String, HealthCheck> byName = beanFactory.getBeansOfType(HealthCheck.class);
		HealthCheck defaultCheck = checks.getIfUnique(HttpHealthCheck::new);
		return new BackendHealthChecks(byName, defaultCheck, properties);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "smartstick.health.enabled", matchIfMissing = true)
	HealthCheckScheduler smartStickHealthCheckScheduler(BackendRegistry registry, BackendHealthChecks checks,
			SmartStickProperties properties, SmartStickObserverHolder observers) {
		SmartStickProperties.Health health = properties.getHealth();
		return new HealthCheckScheduler(registry, checks, health.getInterval(), Schedulers.parallel(),
				Clock.systemUTC(), observers.get(),
				(health.getMaxConcurrentChecks() != null) ? health.getMaxConcurrentChecks() : Integer.MAX_VALUE);
	}

	@Bean
	@ConditionalOnMissingBean
	BackendStateLogger smartStickBackendStateLogger() {
		return new BackendStateLogger();
	}

}
