package io.smartstick.autoconfigure;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.smartstick.actuate.HealthCheckTracker;
import io.smartstick.actuate.SmartStickEndpoint;
import io.smartstick.actuate.SmartStickHealthIndicator;
import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SmartStickActuatorAutoConfiguration}.
 */
class SmartStickActuatorAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SmartStickAutoConfiguration.class,
				SmartStickHealthAutoConfiguration.class, SmartStickStatusAutoConfiguration.class,
				SmartStickActuatorAutoConfiguration.class, EndpointAutoConfiguration.class,
				WebEndpointAutoConfiguration.class, HealthContributorAutoConfiguration.class))
		// nothing listens on the backends' ports: active checks would take them down
		.withPropertyValues("smartstick.backends[0].id=0", "smartstick.backends[0].url=http://127.0.0.1:5000",
				"smartstick.backends[1].id=1", "smartstick.backends[1].url=http://127.0.0.1:5001",
				"smartstick.health.enabled=false")
		// lenient enum conversion, as in a SpringApplication ("unrestricted")
		.withInitializer(
				(context) -> context.getEnvironment().setConversionService(new ApplicationConversionService()));

	@Test
	void endpointIsCreatedOnlyWhenExposed() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(SmartStickEndpoint.class);
			assertThat(context).doesNotHaveBean(HealthCheckTracker.class);
		});
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=smartstick").run((context) -> {
			assertThat(context).hasSingleBean(SmartStickEndpoint.class);
			assertThat(context).hasSingleBean(HealthCheckTracker.class);
		});
	}

	@Test
	void changingAdminStatesNeedsUnrestrictedAccess() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=smartstick")
			.run((context) -> assertThat(operations(context)).containsExactly(OperationType.READ));
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=smartstick",
					"management.endpoint.smartstick.access=unrestricted")
			// a backend of the default pool, and a backend of a named pool
			.run((context) -> assertThat(operations(context)).containsExactlyInAnyOrder(OperationType.READ,
					OperationType.WRITE, OperationType.WRITE));
	}

	@Test
	@SuppressWarnings("unchecked")
	void endpointWorksWithoutTheStatusEndpoint() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=smartstick",
					"smartstick.status.enabled=false")
			.run((context) -> {
				Map<String, Object> status = context.getBean(SmartStickEndpoint.class).status();
				assertThat(status).containsEntry("total", 2);
				assertThat((List<Map<String, Object>>) status.get("backends")).first()
					.satisfies((backend) -> assertThat(backend).containsEntry("state", "not checked yet")
						.containsEntry("consecutiveFailures", 0)
						.containsEntry("adminState", "ready"));
			});
	}

	@Test
	void healthStaysUpWhenNoBackendIsHealthy() {
		this.runner.run((context) -> {
			allDown(context);
			Health health = context.getBean("smartstickHealthIndicator", HealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("healthy", 0).containsEntry("total", 2);
			assertThat(health.getDetails().get("backends")).asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsOnlyKeys("0", "1");
		});
	}

	@Test
	void healthIsDownWhenNoBackendIsHealthyIfAsked() {
		this.runner.withPropertyValues("smartstick.health-indicator.down-when-no-healthy-backend=true")
			.run((context) -> {
				HealthIndicator indicator = context.getBean("smartstickHealthIndicator", HealthIndicator.class);
				assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
				BackendRegistry registry = context.getBean(BackendRegistry.class);
				registry.updateHealth(registry.find(0), false, "test", Instant.now());
				assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
				allDown(context);
				assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
			});
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.runner.withPropertyValues("management.health.smartstick.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SmartStickHealthIndicator.class));
	}

	@Test
	void eachPartBacksOffWithoutItsClasses() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=smartstick")
			.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(SmartStickEndpoint.class);
				assertThat(context).doesNotHaveBean(SmartStickHealthIndicator.class);
			});
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=smartstick")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(SmartStickEndpoint.class);
				assertThat(context).hasSingleBean(SmartStickHealthIndicator.class);
			});
	}

	private static List<OperationType> operations(AssertableReactiveWebApplicationContext context) {
		return context.getBean(WebEndpointsSupplier.class)
			.getEndpoints()
			.stream()
			.filter((endpoint) -> endpoint.getEndpointId().toString().equals("smartstick"))
			.flatMap((endpoint) -> endpoint.getOperations().stream())
			.map((operation) -> operation.getType())
			.toList();
	}

	private static void allDown(AssertableReactiveWebApplicationContext context) {
		BackendRegistry registry = context.getBean(BackendRegistry.class);
		for (Backend backend : registry.all()) {
			registry.updateHealth(backend, false, "test", Instant.now());
		}
	}

}
