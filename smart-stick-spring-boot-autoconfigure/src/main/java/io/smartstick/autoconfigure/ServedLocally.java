package io.smartstick.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.smartstick.config.SmartStickProperties;

import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * The paths the load balancer serves itself, never proxied: the actuator on the same
 * port, the status endpoint, the dashboard.
 *
 * @author smart-stick
 */
final class ServedLocally {

	private static final String ACTUATOR_CLASS = "org.springframework.boot.actuate.endpoint.annotation.Endpoint";

	private ServedLocally() {
	}

	static List<String> paths(SmartStickProperties properties, Environment environment) {
		List<String> paths = new ArrayList<>();
		if (ClassUtils.isPresent(ACTUATOR_CLASS, ServedLocally.class.getClassLoader())) {
			String managementPort = environment.getProperty("management.server.port");
			String serverPort = environment.getProperty("server.port", "8080");
			if (managementPort == null || managementPort.equals(serverPort)) {
				paths.add(environment.getProperty("management.endpoints.web.base-path", "/actuator"));
			}
		}
		if (properties.getStatus().isEnabled()) {
			paths.add(properties.getStatus().getPath());
		}
		if (properties.getDashboard().isEnabled()) {
			paths.add(properties.getDashboard().getPath());
		}
		return paths;
	}

}
