package io.smartstick.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.smartstick.actuate.SmartStickMeters;
import io.smartstick.balancer.Pools;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of smart-stick's Micrometer meters, when a {@link MeterRegistry} is
 * available.
 *
 * @author smart-stick
 */
@AutoConfiguration(after = SmartStickAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple."
				+ "SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, Pools.class })
public class SmartStickMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SmartStickMeters smartStickMeters(MeterRegistry meterRegistry, Pools pools) {
		return new SmartStickMeters(meterRegistry, pools);
	}

}
