package io.smartstick.autoconfigure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.smartstick.balancer.Pool;
import io.smartstick.balancer.Pools;
import io.smartstick.config.PoolDefinition;
import io.smartstick.config.SmartStickProperties;
import io.smartstick.health.BackendHealthChecks;
import io.smartstick.health.BackendStateLogger;
import io.smartstick.health.HealthCheck;
import io.smartstick.health.HealthCheckScheduler;
import io.smartstick.health.HealthCheckSchedulers;
import io.smartstick.health.HttpHealthCheck;
import io.smartstick.health.RemovedBackendDrain;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of active health checking: the default HTTP check, the check of
 * each backend, the scheduler, and the log of state changes.
 *
 * @author smart-stick
 */
@AutoConfiguration(after = SmartStickAutoConfiguration.class)
@ConditionalOnBean(Pools.class)
public class SmartStickHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(HealthCheck.class)
	HttpHealthCheck httpHealthCheck() {
		return new HttpHealthCheck();
	}

	@Bean
	@ConditionalOnMissingBean
	BackendHealthChecks smartStickBackendHealthChecks(ListableBeanFactory beanFactory,
			ObjectProvider<HealthCheck> checks) {
		Map<String, HealthCheck> byName = beanFactory.getBeansOfType(HealthCheck.class);
		HealthCheck defaultCheck = checks.getIfUnique(HttpHealthCheck::new);
		return new BackendHealthChecks(byName, defaultCheck);
	}

	@Bean
	@ConditionalOnMissingBean
	HealthCheckSchedulers smartStickHealthCheckSchedulers(Pools pools, SmartStickPoolDefinitions definitions,
			BackendHealthChecks checks, SmartStickObserverHolder observers) {
		List<HealthCheckScheduler> schedulers = new ArrayList<>();
		for (Pool pool : pools.all()) {
			PoolDefinition.HealthChecks health = definitions.find(pool.name()).healthChecks();
			if (health.enabled()) {
				schedulers.add(new HealthCheckScheduler(pool.registry(), checks, health.interval(),
						Schedulers.parallel(), Clock.systemUTC(), observers.get(),
						(health.maxConcurrentChecks() != null) ? health.maxConcurrentChecks() : Integer.MAX_VALUE));
			}
		}
		return new HealthCheckSchedulers(schedulers);
	}

	@Bean
	@ConditionalOnMissingBean
	RemovedBackendDrain smartStickRemovedBackendDrain(SmartStickProperties properties) {
		return new RemovedBackendDrain(properties.getDrainTimeout(), Schedulers.parallel());
	}

	@Bean
	@ConditionalOnMissingBean
	BackendStateLogger smartStickBackendStateLogger() {
		return new BackendStateLogger();
	}

}
