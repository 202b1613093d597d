package io.smartstick.routing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.observe.SmartStickObserver;
import io.smartstick.sticky.Assignment;
import io.smartstick.sticky.StickyLoadBalancer;
import io.smartstick.sticky.StickySelection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Handles failures of smart-stick's route. A transport failure takes the backend down at
 * once (passive detection) and, when safe, the request is retried on another healthy
 * backend: always if the backend was never reached, otherwise only for idempotent
 * requests without a body, and never once the response has started. What cannot be
 * retried is answered with JSON: 503 with {@code Retry-After} when no backend is
 * available, 504 when the backend did not answer in time, 502 when it could not be
 * reached or broke the connection. Client aborts are cancellations, not failures, and
 * never count against a backend.
 *
 * @author smart-stick
 */
public class ProxyErrorFilter implements GlobalFilter, Ordered {

	/**
	 * Order of this filter: just before the sticky balancer ({@code StickySessionFilter}),
	 * so it sees its failures and those of every filter after it, and a retry chooses
	 * again.
	 */
	public static final int ORDER = ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER - 2;

	private static final Log logger = LogFactory.getLog(ProxyErrorFilter.class);

	private static final byte[] NO_BACKEND_BODY = "{\"error\":\"No healthy backends available.\"}"
		.getBytes(StandardCharsets.UTF_8);

	private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
			HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

	private final BackendRegistry registry;

	private final boolean passive;

	private final int retries;

	private final String retryAfterSeconds;

	private final Clock clock;

	private final SmartStickObserver observer;

	/**
	 * Create a filter.
	 * @param registry the backends, told of passively detected failures
	 * @param passive whether transport failures take a backend down at once
	 * @param retries how many times a failed request may be retried elsewhere
	 * @param retryAfterSeconds value of {@code Retry-After} on 503 answers
	 * @param clock stamps passive failures
	 * @param observer told of retries and refusals
	 */
	public ProxyErrorFilter(BackendRegistry registry, boolean passive, int retries, long retryAfterSeconds,
			Clock clock, SmartStickObserver observer) {
		this.observer = observer;
		this.registry = registry;
		this.passive = passive;
		this.retries = retries;
		this.retryAfterSeconds = Long.toString(Math.max(1, retryAfterSeconds));
		this.clock = clock;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		if (!SmartStickRoutes.isSmartStickRoute(exchange)) {
			return chain.filter(exchange);
		}
		URI balancedUrl = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
		return attempt(exchange, chain, balancedUrl, 0, null);
	}

	private Mono<Void> attempt(ServerWebExchange exchange, GatewayFilterChain chain, URI balancedUrl, int attempt,
			Failed previous) {
		return chain.filter(exchange).onErrorResume((ex) -> {
			if (exchange.getResponse().isCommitted()) {
				return Mono.error(ex);
			}
			if (previous != null && ex instanceof NotFoundException) {
				// retrying found no other backend: report what actually went wrong
				return answer(exchange, previous.error(), previous.failure(), previous.backend());
			}
			Backend backend = servedBy(exchange);
			ProxyFailure failure = ProxyFailure.of(ex);
			if (backend != null && failure.isTransport() && this.passive) {
				this.registry.updateHealth(backend, false, failure.cause() + " (passive)", this.clock.instant());
			}
			if (backend != null && attempt < this.retries && isRetryable(failure, exchange.getRequest())) {
				logger.debug("Retrying " + exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath()
						+ " after backend " + backend.idValue() + " failed: " + failure.cause());
				this.observer.retried(backend, failure.cause());
				prepareRetry(exchange, balancedUrl, backend);
				return attempt(exchange, chain, balancedUrl, attempt + 1, new Failed(ex, failure, backend));
			}
			return answer(exchange, ex, failure, backend);
		});
	}

	private static boolean isRetryable(ProxyFailure failure, ServerHttpRequest request) {
		if (failure == ProxyFailure.NOT_REACHED) {
			return true;
		}
		HttpHeaders headers = request.getHeaders();
		boolean hasBody = headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
		return failure == ProxyFailure.RESET_BEFORE_RESPONSE && IDEMPOTENT.contains(request.getMethod()) && !hasBody;
	}

	@SuppressWarnings("unchecked")
	private static void prepareRetry(ServerWebExchange exchange, URI balancedUrl, Backend failed) {
		ServerWebExchangeUtils.reset(exchange);
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, balancedUrl);
		exchange.getAttributes().remove(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR);
		Set<Backend> excluded = (Set<Backend>) exchange.getAttributes()
			.computeIfAbsent(StickyLoadBalancer.EXCLUDED_BACKENDS_ATTR, (key) -> new HashSet<Backend>());
		excluded.add(failed);
	}

	private Mono<Void> answer(ServerWebExchange exchange, Throwable ex, ProxyFailure failure, Backend backend) {
		ServerHttpResponse response = exchange.getResponse();
		if (ex instanceof ResponseStatusException && !(ex instanceof NotFoundException)
				&& failure != ProxyFailure.TIMEOUT) {
			return Mono.error(ex);
		}
		// an error answer names no backend and assigns none
		exchange.getAttributes().remove(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR);
		// drop whatever a half-received backend answer left behind (Content-Encoding, ...)
		response.getHeaders().clear();
		if (ex instanceof NotFoundException) {
			response.getHeaders().set(HttpHeaders.RETRY_AFTER, this.retryAfterSeconds);
			Backend refused = exchange.getAttribute(StickyLoadBalancer.REFUSED_BACKEND_ATTR);
			if (refused != null) {
				this.observer.assigned(refused, Assignment.REFUSED);
			}
			return write(response, HttpStatus.SERVICE_UNAVAILABLE, (refused != null)
					? error("Backend " + refused.idValue() + " is unavailable.") : NO_BACKEND_BODY);
		}
		String id = (backend != null) ? backend.idValue() : "(unknown)";
		if (failure == ProxyFailure.TIMEOUT) {
			logger.warn("Backend " + id + " did not answer in time: " + ex.getMessage());
			return write(response, HttpStatus.GATEWAY_TIMEOUT, error("Backend " + id + " did not answer in time."));
		}
		logger.warn("Backend " + id + " failed: " + ex);
		return write(response, HttpStatus.BAD_GATEWAY, error("Backend " + id + " did not answer."));
	}

	private record Failed(Throwable error, ProxyFailure failure, Backend backend) {
	}

	private static Backend servedBy(ServerWebExchange exchange) {
		Object selection = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR);
		return (selection instanceof StickySelection sticky) ? sticky.backend() : null;
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
