package io.smartstick.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

import io.smartstick.balancer.Pools;
import io.smartstick.config.SmartStickProperties;
import io.smartstick.dashboard.DashboardRouter;
import io.smartstick.dashboard.DashboardSampler;
import io.smartstick.dashboard.DashboardStream;
import io.smartstick.dashboard.DashboardWrites;
import io.smartstick.dashboard.StateChanges;
import io.smartstick.dashboard.TrafficRecorder;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Auto-configuration of the live dashboard ({@code GET /_lb/} by default) unless
 * {@code smartstick.dashboard.enabled=false}: the traffic totals it samples, its memory of
 * state changes, the sampler and its event stream, and the page. Its admin buttons are
 * offered when the {@code smartstick} Actuator endpoint takes writes on the same port.
 *
 * @author smart-stick
 */
@AutoConfiguration(after = { SmartStickHealthAutoConfiguration.class, SmartStickActuatorAutoConfiguration.class },
		afterName = "org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnBean(Pools.class)
@ConditionalOnBooleanProperty(name = "smartstick.dashboard.enabled", matchIfMissing = true)
public class SmartStickDashboardAutoConfiguration {

	/**
	 * Time between two samples, and so between two updates of every open dashboard.
	 */
	private static final Duration UPDATE_INTERVAL = Duration.ofSeconds(1);

	private static final String NO_ACTUATOR = "Actuator is not on the classpath. Add spring-boot-starter-actuator, "
			+ "expose the smartstick endpoint and set management.endpoint.smartstick.access=unrestricted to drain "
			+ "backends from here.";

	@Bean
	@ConditionalOnMissingBean
	TrafficRecorder smartStickTrafficRecorder(Pools pools) {
		return new TrafficRecorder(pools);
	}

	@Bean
	@ConditionalOnMissingBean
	StateChanges smartStickStateChanges() {
		return new StateChanges(Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	DashboardSampler smartStickDashboardSampler(Pools pools, TrafficRecorder traffic, StateChanges changes,
			SmartStickProperties properties, ObjectProvider<Supplier<DashboardWrites>> writes) {
		Supplier<DashboardWrites> decision = writes.getIfAvailable(() -> () -> DashboardWrites.denied(NO_ACTUATOR));
		DashboardStream stream = new DashboardStream(properties.getDashboard().getSlowClientTimeout());
		return new DashboardSampler(pools, traffic, changes, decision, stream, UPDATE_INTERVAL, Schedulers.parallel());
	}

	@Bean
	RouterFunction<ServerResponse> smartStickDashboardRouterFunction(SmartStickProperties properties,
			DashboardSampler sampler) {
		return DashboardRouter.routerFunction(properties.getDashboard().getPath(), sampler);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = ActuatorDashboardWrites.PATH_MAPPED_ENDPOINTS)
	static class ActuatorWritesConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "smartStickDashboardWrites")
		Supplier<DashboardWrites> smartStickDashboardWrites(BeanFactory beanFactory, Environment environment) {
			return new ActuatorDashboardWrites(beanFactory, environment);
		}

	}

}
