package io.smartstick.status;

import io.smartstick.web.PathPrefixGuard;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Serves {@link LoadBalancerStatus} as JSON on {@code GET <path>} (by default
 * {@code /_lb/health}), never cached.
 *
 * @author smart-stick
 */
public final class StatusEndpointRouter {

	private StatusEndpointRouter() {
	}

	/**
	 * Create the router function.
	 * @param path the endpoint's path
	 * @param status builds the status
	 * @return the router function
	 */
	public static RouterFunction<ServerResponse> routerFunction(String path, LoadBalancerStatus status) {
		return PathPrefixGuard.of(path, RouterFunctions.route(RequestPredicates.GET(path),
				(request) -> ServerResponse.ok()
					.contentType(MediaType.APPLICATION_JSON)
					.cacheControl(CacheControl.noStore())
					.bodyValue(status.snapshot())));
	}

}
