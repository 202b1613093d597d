package io.smartstick.autoconfigure;

import java.lang.reflect.Field;
import java.time.Duration;

import io.smartstick.server.ClientConnectionCustomizer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SmartStickServerAutoConfiguration}.
 */
class SmartStickServerAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(SmartStickAutoConfiguration.class, SmartStickServerAutoConfiguration.class))
		.withPropertyValues("smartstick.backends[0].id=0", "smartstick.backends[0].url=http://127.0.0.1:5000");

	@Test
	void clientConnectionsGetTheConfiguredRequestHeaderTimeout() {
		this.runner.withPropertyValues("smartstick.proxy.request-header-timeout=5s").run((context) -> {
			assertThat(context).hasSingleBean(ClientConnectionCustomizer.class);
			assertThat(timeout(context.getBean(ClientConnectionCustomizer.class))).isEqualTo(Duration.ofSeconds(5));
		});
	}

	@Test
	void requestHeaderTimeoutDefaultsToTwentySeconds() {
		this.runner.run((context) -> assertThat(timeout(context.getBean(ClientConnectionCustomizer.class)))
			.isEqualTo(Duration.ofSeconds(20)));
	}

	@Test
	void nothingIsCustomizedWhenSmartStickIsDisabled() {
		this.runner.withPropertyValues("smartstick.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClientConnectionCustomizer.class));
	}

	private static Object timeout(ClientConnectionCustomizer customizer) {
		Field field = ReflectionUtils.findField(ClientConnectionCustomizer.class, "timeout");
		ReflectionUtils.makeAccessible(field);
		return ReflectionUtils.getField(field, customizer);
	}

}
