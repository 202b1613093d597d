package io.smartstick.sticky;

import java.util.Map;
import java.util.Set;

import io.smartstick.balancer.Backend;
import io.smartstick.observe.Assignment;
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
 * The {@link ReactorServiceInstanceLoadBalancer} of the smart-stick service, for Spring
 * Cloud LoadBalancer clients of the service id (a {@code @LoadBalanced} {@code WebClient},
 * say): it reads the sticky cookie from the request data and lets the
 * {@link StickyBackendSelector} decide, exactly as {@link StickySessionFilter} does on
 * Gateway's request path. An empty response means no backend is available, or the
 * client's backend is down under the strict policy.
 *
 * @author smart-stick
 */
public class StickyLoadBalancer implements ReactorServiceInstanceLoadBalancer {

	/**
	 * Exchange attribute holding the {@code Set<Backend>} a retried request must avoid.
	 */
	public static final String EXCLUDED_BACKENDS_ATTR = StickyLoadBalancer.class.getName() + ".excludedBackends";

	/**
	 * Exchange attribute holding the {@link Backend} a request was refused for under the
	 * strict failover policy.
	 */
	public static final String REFUSED_BACKEND_ATTR = StickyLoadBalancer.class.getName() + ".refusedBackend";

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
	@SuppressWarnings({ "rawtypes", "unchecked" })
	public Mono<Response<ServiceInstance>> choose(Request request) {
		RequestData data = (request.getContext() instanceof RequestDataContext context) ? context.getClientRequest()
				: null;
		Map<String, Object> attributes = (data != null) ? data.getAttributes() : null;
		Object excluded = (attributes != null) ? attributes.get(EXCLUDED_BACKENDS_ATTR) : null;
		StickySelection selection = this.selector.select(cookieValue(data),
				(excluded instanceof Set set) ? (Set<Backend>) set : Set.of());
		if (selection == null) {
			return NONE_AVAILABLE;
		}
		if (selection.assignment() == Assignment.REFUSED) {
			if (attributes != null) {
				attributes.put(REFUSED_BACKEND_ATTR, selection.backend());
			}
			return NONE_AVAILABLE;
		}
		return Mono.just(selection);
	}

	private String cookieValue(RequestData data) {
		MultiValueMap<String, String> cookies = (data != null) ? data.getCookies() : null;
		return (cookies != null) ? cookies.getFirst(this.cookieName) : null;
	}

}
