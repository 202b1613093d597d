package io.smartstick.sticky;

import java.net.URI;

import io.smartstick.balancer.Backend;
import io.smartstick.observe.Assignment;
import io.smartstick.observe.SmartStickObserver;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * The sticky balancer of one pool, a filter of the pool's route: reads the pool's sticky
 * cookie, lets the
 * {@link StickyBackendSelector} decide (cookie first, then the strategy), points the
 * request at the chosen backend (with its base path), counts the request against the
 * backend until {@link InFlightReleaseFilter} sees the exchange end (however it ends),
 * and stamps the response with {@code x-backend-id} and, when the assignment is new or
 * changed, the sticky cookie.
 * <p>
 * It runs just before Gateway's {@link ReactiveLoadBalancerClientFilter}, which then has
 * nothing left to do: deciding here, synchronously, spares every request the reactive
 * load-balancer round trip (request data copies, lifecycle callbacks, operators) while
 * the decision stays the one {@link StickyLoadBalancer} makes for other Spring Cloud
 * clients of the service. When no backend is available the request fails with Gateway's
 * {@link NotFoundException}, as the load-balancer filter would, and is answered with 503.
 *
 * @author smart-stick
 */
public class StickySessionFilter implements GatewayFilter, Ordered {

	/**
	 * Order of this filter: just before Gateway's load-balancer filter.
	 */
	public static final int ORDER = ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER - 1;

	/**
	 * Name of the response header naming the backend that served the request.
	 */
	public static final String BACKEND_ID_HEADER = "x-backend-id";

	private final StickyBackendSelector selector;

	private final String cookieName;

	private final StickyCookieWriter cookieWriter;

	private final SmartStickObserver observer;

	/**
	 * Create a filter.
	 * @param selector decides the backend
	 * @param cookieName name of the sticky cookie
	 * @param cookieWriter writes the sticky cookie
	 * @param observer told of every assignment and every end of an exchange
	 */
	public StickySessionFilter(StickyBackendSelector selector, String cookieName, StickyCookieWriter cookieWriter,
			SmartStickObserver observer) {
		this.selector = selector;
		this.cookieName = cookieName;
		this.cookieWriter = cookieWriter;
		this.observer = observer;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		URI url = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
		if (url != null) {
			ServerWebExchangeUtils.addOriginalRequestUrl(exchange, url);
		}
		ServerHttpRequest request = exchange.getRequest();
		ProxiedExchange state = ProxiedExchange.of(exchange);
		StickySelection repeated = state.takeRepeat();
		StickySelection selection = (repeated != null) ? repeated
				: this.selector.select(cookieValue(request), state.excluded());
		if (selection == null || selection.assignment() == Assignment.REFUSED) {
			if (selection != null) {
				state.refuse(selection.backend());
			}
			return Mono.error(NotFoundException.create(false, "No healthy backends available"));
		}
		Backend backend = selection.backend();
		exchange.getAttributes()
			.put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, target(backend, request.getURI()));
		if (state.stampOnce()) {
			stampResponse(exchange, state);
		}
		if (repeated == null) {
			this.observer.assigned(backend, selection.assignment());
		}
		// ended by InFlightReleaseFilter once the whole response is written (or the attempt fails or is
		// cancelled): the response body is written after this chain has completed, and a retry of a failed
		// attempt starts outside that filter, so every attempt ends its own count before the next begins
		state.select(selection, new InFlight(backend, this.observer));
		return chain.filter(exchange);
	}

	private String cookieValue(ServerHttpRequest request) {
		HttpHeaders headers = request.getHeaders();
		if (!headers.containsHeader(HttpHeaders.COOKIE)) {
			return null;
		}
		// the sticky cookie alone, not every cookie parsed into a map (what request.getCookies() would do)
		return CookieHeaderReader.firstValue(headers.get(HttpHeaders.COOKIE), this.cookieName);
	}

	/**
	 * The request's URL on the backend: its scheme, authority and base path, then the
	 * request's raw path and query, as Gateway's load-balancer filter would build it, in a
	 * single pass.
	 */
	private static URI target(Backend backend, URI requested) {
		String prefix = backend.proxyPrefix();
		String path = requested.getRawPath();
		String query = requested.getRawQuery();
		StringBuilder target = new StringBuilder(prefix.length() + ((path != null) ? path.length() : 0)
				+ ((query != null) ? query.length() + 1 : 0));
		target.append(prefix);
		if (path != null) {
			target.append(path);
		}
		if (query != null) {
			target.append('?').append(query);
		}
		return URI.create(target.toString());
	}

	/**
	 * Stamp the response with the backend that served it, once: a retried request passes
	 * here once per attempt, and the last attempt's selection is the one stamped.
	 */
	private void stampResponse(ServerWebExchange exchange, ProxiedExchange state) {
		ServerHttpResponse response = exchange.getResponse();
		response.beforeCommit(() -> {
			StickySelection served = state.selection();
			if (served != null) {
				HttpHeaders headers = response.getHeaders();
				headers.set(BACKEND_ID_HEADER, served.backend().idValue());
				if (served.issuesCookie()) {
					String cookie = this.cookieWriter.cookie(served.backend(), exchange.getRequest());
					headers.add(HttpHeaders.SET_COOKIE, cookie);
				}
			}
			return Mono.empty();
		});
	}

}
