package io.smartstick.autoconfigure;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smartstick.actuate.SmartStickMeters;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.observe.ExchangeOutcome;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SmartStickMetricsAutoConfiguration}.
 */
class SmartStickMetricsAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SmartStickAutoConfiguration.class,
				SmartStickMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
		.withPropertyValues("smartstick.backends[0].id=0", "smartstick.backends[0].url=http://127.0.0.1:5000");

	private final ReactiveWebApplicationContextRunner withoutMetrics = new ReactiveWebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(SmartStickAutoConfiguration.class, SmartStickMetricsAutoConfiguration.class))
		.withPropertyValues("smartstick.backends[0].id=0", "smartstick.backends[0].url=http://127.0.0.1:5000");

	@Test
	void metersAreRegisteredAndGaugesBound() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(SmartStickMeters.class);
			MeterRegistry meterRegistry = context.getBean(MeterRegistry.class);
			assertThat(meterRegistry.get("smartstick.backend.up").tag("backend", "0").gauge().value()).isOne();
			assertThat(meterRegistry.get("smartstick.sticky").counters()).hasSize(4);
		});
	}

	@Test
	void percentileHistogramIsSwitchedOnWithTheStandardProperty() {
		this.runner.withPropertyValues("management.metrics.distribution.percentiles-histogram.smartstick.requests=true")
			.run((context) -> {
				BackendRegistry registry = context.getBean(BackendRegistry.class);
				context.getBean(SmartStickMeters.class)
					.exchangeEnded(registry.find(0), 200, ExchangeOutcome.COMPLETED, 5_000_000);
				Timer timer = context.getBean(MeterRegistry.class).get("smartstick.requests").timer();
				// the simple registry has no aggregable histograms: check what a Prometheus registry would get
				DistributionStatisticConfig config = context.getBean(MeterFilter.class)
					.configure(timer.getId(), DistributionStatisticConfig.DEFAULT);
				assertThat(config.isPercentileHistogram()).isTrue();
			});
	}

	@Test
	void noMetersWithoutAMeterRegistry() {
		this.withoutMetrics.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(SmartStickMeters.class);
		});
	}

	@Test
	void noMetersWithoutMicrometer() {
		this.withoutMetrics.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(SmartStickMeters.class);
			});
	}

	@Test
	void userDefinedMetersWin() {
		this.runner.withUserConfiguration(UserMeters.class).run((context) -> {
			assertThat(context).hasSingleBean(SmartStickMeters.class);
			assertThat(context).hasBean("userMeters");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserMeters {

		@Bean
		SmartStickMeters userMeters(MeterRegistry meterRegistry) {
			return new SmartStickMeters(meterRegistry, new BackendRegistry(List.of(), (change) -> {
			}));
		}

	}

}
