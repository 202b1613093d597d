package io.smartstick.autoconfigure;

import java.util.function.Supplier;

import io.smartstick.dashboard.DashboardWrites;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.ExposableEndpoint;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoint;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.core.env.Environment;

/**
 * Decides whether the dashboard offers admin buttons by the rule Actuator itself applies
 * to {@code POST /actuator/smartstick/...}: the buttons appear exactly when Actuator maps
 * the endpoint's write operation over HTTP (exposed, and its access unrestricted), on the
 * load balancer's own port, which the page can call.
 *
 * @author smart-stick
 */
final class ActuatorDashboardWrites implements Supplier<DashboardWrites> {

	static final String PATH_MAPPED_ENDPOINTS = "org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints";

	private static final EndpointId ENDPOINT = EndpointId.of("smartstick");

	private final BeanFactory beanFactory;

	private final Environment environment;

	ActuatorDashboardWrites(BeanFactory beanFactory, Environment environment) {
		this.beanFactory = beanFactory;
		this.environment = environment;
	}

	@Override
	public DashboardWrites get() {
		String managementPort = this.environment.getProperty("management.server.port");
		if (managementPort != null && !managementPort.equals(this.environment.getProperty("server.port", "8080"))) {
			return DashboardWrites.denied("Actuator listens on its own port (management.server.port=" + managementPort
					+ "), which this page does not call. Change a backend's state there with POST "
					+ "/actuator/smartstick/{pool}/{id} and {\"state\":\"drain\"}.");
		}
		PathMappedEndpoints endpoints = this.beanFactory.getBeanProvider(PathMappedEndpoints.class).getIfAvailable();
		PathMappedEndpoint endpoint = (endpoints != null) ? endpoints.getEndpoint(ENDPOINT) : null;
		if (endpoint == null) {
			return DashboardWrites.denied("The smartstick Actuator endpoint is not exposed over HTTP. Add smartstick "
					+ "to management.endpoints.web.exposure.include and set "
					+ "management.endpoint.smartstick.access=unrestricted to drain backends from here.");
		}
		if (!takesWrites(endpoint)) {
			return DashboardWrites.denied("The smartstick Actuator endpoint is read-only. Set "
					+ "management.endpoint.smartstick.access=unrestricted (and protect Actuator) to drain backends "
					+ "from here.");
		}
		return DashboardWrites.allowed(endpoints.getPath(ENDPOINT));
	}

	private static boolean takesWrites(PathMappedEndpoint endpoint) {
		return endpoint instanceof ExposableEndpoint<?> exposable && exposable.getOperations()
			.stream()
			.anyMatch((operation) -> operation.getType() == OperationType.WRITE);
	}

}
