package io.smartstick.sticky;

import java.net.URI;

import io.smartstick.balancer.Backend;
import io.smartstick.observe.ExchangeOutcome;
import io.smartstick.observe.SmartStickObserver;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Runs right after Gateway's load-balancer filter for requests that smart-stick balanced:
 * counts the request against its backend until {@link InFlightReleaseFilter} sees the
 * exchange end (however it ends), adds the backend's base path, and stamps the response
 * with {@code x-backend-id} and, when the assignment is new or changed, the sticky
 * cookie.
 *
 * @author smart-stick
 */
public class StickySessionFilter implements GlobalFilter, Ordered {

	/**
	 * Order of this filter: just after Gateway's load-balancer filter.
	 */
	public static final int ORDER = ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER + 1;

	/**
	 * Name of the response header naming the backend that served the request.
	 */
	public static final String BACKEND_ID_HEADER = "x-backend-id";

	private static final String STAMPED_ATTR = StickySessionFilter.class.getName() + ".stamped";

	private final StickyCookieWriter cookieWriter;

	private final SmartStickObserver observer;

	/**
	 * Create a filter.
	 * @param cookieWriter writes the sticky cookie
	 * @param observer told of every assignment and every end of an exchange
	 */
	public StickySessionFilter(StickyCookieWriter cookieWriter, SmartStickObserver observer) {
		this.cookieWriter = cookieWriter;
		this.observer = observer;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Object response = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR);
		if (!(response instanceof StickySelection selection)) {
			return chain.filter(exchange);
		}
		Backend backend = selection.backend();
		if (!backend.basePath().isEmpty()) {
			prefixBasePath(exchange, backend.basePath());
		}
		stampResponse(exchange, selection);
		this.observer.assigned(backend, selection.assignment());
		InFlight previous = exchange.getAttribute(InFlight.ATTRIBUTE);
		if (previous != null) {
			// an earlier attempt of this retried request failed
			previous.end(0, ExchangeOutcome.FAILED);
		}
		// ended by InFlightReleaseFilter once the whole response is written (or the exchange fails or is
		// cancelled): the response body is written after this chain has completed
		exchange.getAttributes().put(InFlight.ATTRIBUTE, new InFlight(backend, this.observer));
		return chain.filter(exchange);
	}

	private void stampResponse(ServerWebExchange exchange, StickySelection selection) {
		// a retried request passes here once per attempt; the last selection is stamped once
		if (exchange.getAttributes().putIfAbsent(STAMPED_ATTR, Boolean.TRUE) != null) {
			return;
		}
		ServerHttpResponse response = exchange.getResponse();
		response.beforeCommit(() -> {
			Object current = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR);
			if (current instanceof StickySelection served) {
				HttpHeaders headers = response.getHeaders();
				headers.set(BACKEND_ID_HEADER, served.backend().idValue());
				if (served.assignment().issuesCookie()) {
					headers.add(HttpHeaders.SET_COOKIE, this.cookieWriter.cookie(served.backend(), exchange.getRequest()));
				}
			}
			return Mono.empty();
		});
	}

	private static void prefixBasePath(ServerWebExchange exchange, String basePath) {
		URI url = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
		if (url != null) {
			URI prefixed = UriComponentsBuilder.fromUri(url)
				.replacePath(basePath + url.getRawPath())
				.build(true)
				.toUri();
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, prefixed);
		}
	}

}
