package io.smartstick.sample;

import java.util.List;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Starts the demo backends unless {@code sample.demo-backends=false}, and lets a person
 * stop and start them through the load balancer's own port:
 * {@code POST /demo/backends/5000/stop} and {@code POST /demo/backends/5000/start}.
 *
 * @author smart-stick
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "sample.demo-backends", matchIfMissing = true)
@EnableConfigurationProperties(SampleProperties.class)
class DemoBackendsConfiguration {

	@Bean
	DemoBackends demoBackends(SampleProperties properties) {
		return new DemoBackends(properties.getDemoHost(), properties.getDemoPorts());
	}

	@Bean
	RouterFunction<ServerResponse> demoBackendControl(@Qualifier("demoBackends") DemoBackends backends) {
		return RouterFunctions.route(RequestPredicates.POST("/demo/backends/{port}/{action}"), (request) -> {
			int port = Integer.parseInt(request.pathVariable("port"));
			String action = request.pathVariable("action");
			boolean changed = switch (action) {
				case "stop" -> backends.stop(port);
				case "start" -> backends.start(port);
				default -> false;
			};
			if (!List.of("stop", "start").contains(action)) {
				return ServerResponse.badRequest().bodyValue("Use /demo/backends/{port}/stop or /start\n");
			}
			return ServerResponse.ok().bodyValue("Demo backend " + port + (changed ? " " : " already ") + action
					+ (action.equals("stop") ? "ped" : "ed") + "\n");
		});
	}

}
