package io.smartstick.sample;

import reactor.core.publisher.Mono;

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
			Mono<Boolean> changed = switch (action) {
				case "stop" -> Mono.just(backends.stop(port));
				case "start" -> backends.start(port);
				default -> null;
			};
			if (changed == null) {
				return ServerResponse.badRequest().bodyValue("Use /demo/backends/{port}/stop or /start\n");
			}
			String done = action.equals("stop") ? "stopped" : "started";
			return changed.flatMap((result) -> ServerResponse.ok()
				.bodyValue("Demo backend " + port + (result ? " " : " already ") + done + "\n"));
		});
	}

}
