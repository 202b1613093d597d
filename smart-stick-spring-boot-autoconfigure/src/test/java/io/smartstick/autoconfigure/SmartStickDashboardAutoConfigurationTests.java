package io.smartstick.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

import io.smartstick.dashboard.DashboardSampler;
import io.smartstick.dashboard.DashboardWrites;
import io.smartstick.dashboard.StateChanges;
import io.smartstick.dashboard.TrafficRecorder;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.web.reactive.function.server.RouterFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SmartStickDashboardAutoConfiguration}.
 */
class SmartStickDashboardAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SmartStickAutoConfiguration.class,
				SmartStickHealthAutoConfiguration.class, SmartStickActuatorAutoConfiguration.class,
				SmartStickDashboardAutoConfiguration.class, EndpointAutoConfiguration.class,
				WebEndpointAutoConfiguration.class))
		.withPropertyValues("smartstick.backends[0].id=0", "smartstick.backends[0].url=http://127.0.0.1:5000",
				"smartstick.health.enabled=false")
		// lenient enum conversion, as in a SpringApplication ("unrestricted")
		.withInitializer(
				(context) -> context.getEnvironment().setConversionService(new ApplicationConversionService()));

	@Test
	void dashboardIsServedByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(DashboardSampler.class);
			assertThat(context).hasSingleBean(TrafficRecorder.class);
			assertThat(context).hasSingleBean(StateChanges.class);
			assertThat(context).hasBean("smartStickDashboardRouterFunction");
		});
	}

	@Test
	void dashboardCanBeTurnedOff() {
		this.runner.withPropertyValues("smartstick.dashboard.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(DashboardSampler.class);
			assertThat(context).doesNotHaveBean(TrafficRecorder.class);
			assertThat(context).getBeans(RouterFunction.class).doesNotContainKey("smartStickDashboardRouterFunction");
		});
	}

	@Test
	void buttonsAreAbsentWhileTheEndpointIsNotExposed() {
		this.runner.run((context) -> assertThat(writes(context).reason())
			.contains("not exposed over HTTP")
			.contains("management.endpoints.web.exposure.include"));
	}

	@Test
	void buttonsAreAbsentWhileTheEndpointIsReadOnly() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=smartstick")
			.run((context) -> {
				DashboardWrites writes = writes(context);
				assertThat(writes.allowed()).isFalse();
				assertThat(writes.reason()).contains("read-only")
					.contains("management.endpoint.smartstick.access=unrestricted");
			});
	}

	@Test
	void buttonsCallTheEndpointWhenItTakesWrites() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=smartstick",
					"management.endpoint.smartstick.access=unrestricted",
					"management.endpoints.web.base-path=/manage")
			.run((context) -> assertThat(writes(context)).isEqualTo(DashboardWrites.allowed("/manage/smartstick")));
	}

	@Test
	void buttonsAreAbsentWhenActuatorListensOnAnotherPort() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=smartstick",
					"management.endpoint.smartstick.access=unrestricted", "server.port=8080",
					"management.server.port=9090")
			.run((context) -> assertThat(writes(context).reason()).contains("management.server.port=9090"));
	}

	@Test
	void pageSaysActuatorIsMissingWithoutIt() {
		this.runner.withClassLoader(new FilteredClassLoader(PathMappedEndpoints.class))
			.withConfiguration(AutoConfigurations.of(SmartStickAutoConfiguration.class,
					SmartStickHealthAutoConfiguration.class, SmartStickDashboardAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("smartStickDashboardWrites");
				String snapshot = new String(context.getBean(DashboardSampler.class)
					.events()
					.blockFirst(Duration.ofSeconds(5))
					.block(Duration.ofSeconds(5)), StandardCharsets.UTF_8);
				assertThat(snapshot).contains("\"allowed\":false").contains("Actuator is not on the classpath");
			});
	}

	@SuppressWarnings("unchecked")
	private static DashboardWrites writes(AssertableReactiveWebApplicationContext context) {
		assertThat(context).hasNotFailed();
		return ((Supplier<DashboardWrites>) context.getBean("smartStickDashboardWrites")).get();
	}

}
