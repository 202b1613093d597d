package io.smartstick.sticky;

import reactor.core.publisher.Mono;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.util.MultiValueMap;

/**
 * The {@link ReactorServiceInstanceLoadBalancer} that Spring Cloud Gateway's load-balancer
 * filter asks for the smart-stick service: it reads the sticky cookie from the request
 * and lets the {@link StickyBackendSelector} decide. An empty response (no backend
 * available) makes Gateway fail the request with 503.
 *
 * @author smart-stick
 */
public class StickyLoadBalancer implements ReactorServiceInstanceLoadBalancer {

	private static final Mono<Response<ServiceInstance>> NONE_AVAILABLE = Mono.just(new EmptyResponse());

	private final StickyBackendSelector selector;

	private final String cookieName;

	/**
	 * Create a load balancer.
	 * @param selector decides the backend
	 * @param cookieName name of the sticky cookie
	 */
	public StickyLoadBalancer(StickyBackendSelector selector, String cookieName) {
		this.selector = selector;
		this.cookieName = cookieName;
	}

	@Override
	public Mono<Response<ServiceInstance>> choose(Request request) {
		StickySelection selection = this.selector.select(cookieValue(request));
		return (selection != null) ? Mono.just(selection) : NONE_AVAILABLE;
	}

	private String cookieValue(Request<?> request) {
		if (request.getContext() instanceof RequestDataContext context) {
			RequestData data = context.getClientRequest();
			MultiValueMap<String, String> cookies = (data != null) ? data.getCookies() : null;
			if (cookies != null) {
				return cookies.getFirst(this.cookieName);
			}
		}
		return null;
	}

}
