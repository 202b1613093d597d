package io.smartstick.routing;

import java.nio.charset.StandardCharsets;

import io.smartstick.sticky.StickySelection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Turns failures of smart-stick's route into clear JSON answers: 503 with
 * {@code Retry-After} when no backend is available, 504 when the backend did not answer
 * in time, 502 when it could not be reached or broke the connection. A response already
 * on its way to the client cannot be replaced; the failure then closes the connection.
 *
 * @author smart-stick
 */
public class ProxyErrorFilter implements GlobalFilter, Ordered {

	/**
	 * Order of this filter: just before Gateway's load-balancer filter, so it sees its
	 * failures and those of every filter after it.
	 */
	public static final int ORDER = ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER - 1;

	private static final Log logger = LogFactory.getLog(ProxyErrorFilter.class);

	private static final byte[] NO_BACKEND_BODY = "{\"error\":\"No healthy backends available.\"}"
		.getBytes(StandardCharsets.UTF_8);

	private final String retryAfterSeconds;

	/**
	 * Create a filter.
	 * @param retryAfterSeconds value of {@code Retry-After} on 503 answers
	 */
	public ProxyErrorFilter(long retryAfterSeconds) {
		this.retryAfterSeconds = Long.toString(Math.max(1, retryAfterSeconds));
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		if (route == null || !SmartStickRoutes.ROUTE_ID.equals(route.getId())) {
			return chain.filter(exchange);
		}
		return chain.filter(exchange).onErrorResume((ex) -> handle(exchange, ex));
	}

	private Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.error(ex);
		}
		// drop whatever a half-received backend answer left behind (Content-Encoding, ...)
		response.getHeaders().clear();
		if (ex instanceof NotFoundException) {
			response.getHeaders().set(HttpHeaders.RETRY_AFTER, this.retryAfterSeconds);
			return write(response, HttpStatus.SERVICE_UNAVAILABLE, NO_BACKEND_BODY);
		}
		String backend = backendDescription(exchange);
		if (ex instanceof ResponseStatusException status) {
			if (status.getStatusCode().value() != HttpStatus.GATEWAY_TIMEOUT.value()) {
				return Mono.error(ex);
			}
			logger.warn("Backend " + backend + " did not answer in time: " + status.getReason());
			return write(response, HttpStatus.GATEWAY_TIMEOUT, error("Backend " + backend + " did not answer in time."));
		}
		logger.warn("Backend " + backend + " failed: " + ex);
		return write(response, HttpStatus.BAD_GATEWAY, error("Backend " + backend + " did not answer."));
	}

	private static String backendDescription(ServerWebExchange exchange) {
		Object selection = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR);
		return (selection instanceof StickySelection sticky) ? sticky.backend().idValue() : "(unknown)";
	}

	private static byte[] error(String message) {
		return ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
	}

	private static Mono<Void> write(ServerHttpResponse response, HttpStatus status, byte[] body) {
		response.setStatusCode(status);
		HttpHeaders headers = response.getHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		headers.setContentLength(body.length);
		DataBuffer buffer = response.bufferFactory().wrap(body);
		return response.writeWith(Mono.just(buffer));
	}

}
