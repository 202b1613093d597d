package io.smartstick.routing;

import java.time.Duration;
import java.util.Map;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import io.smartstick.balancer.Backend;
import io.smartstick.observe.Assignment;
import io.smartstick.observe.SmartStickObserver;
import io.smartstick.sticky.InFlightReleaseFilter;
import io.smartstick.sticky.ProxiedExchange;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.util.context.Context;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Handles failures of a pool's route. A transport failure takes the backend down at
 * once (passive detection) and, when safe, the request is retried on another healthy
 * backend: always if nothing of it was sent (connect and pool failures, a connection
 * closed before the request was written), otherwise only for idempotent requests without
 * a body, and never once the response to the client has started (a backend that breaks
 * the connection after its response headers but before any of its body is retried like
 * one that broke it before answering).
 * <p>
 * A request that fails before any response on a connection taken from the pool (one that
 * had carried an earlier request), or whose connection was lost before any of it was
 * written, may have met the keep-alive race: the backend closed an idle keep-alive
 * connection just as the request was written to it, which says nothing of the backend's
 * health. smart-stick then sends the request once more to the same backend, on a fresh
 * connection, and neither counts it against the backend nor as a retry; only if that
 * fails too do passive detection and the retry rules apply. A request that was written and cannot safely be sent twice (a {@code POST}, a
 * request with a body) is not repeated, as the backend may have received it; it is
 * answered with 502 without taking the backend down.
 * <p>
 * What cannot be retried is answered with JSON: 503 with {@code Retry-After} when no
 * backend is available, 504 when the backend did not answer in time, 502 when it could
 * not be reached or broke the connection. Client aborts are cancellations, not failures,
 * and never count against a backend.
 *
 * @author smart-stick
 */
public class ProxyErrorFilter implements GatewayFilter, Ordered {

	/**
	 * Order of this filter: around smart-stick's {@link InFlightReleaseFilter} and
	 * Gateway's response-writing filter, so it sees failures while the backend's body is
	 * read as well as those of the sticky balancer and the routing filters, and a retry
	 * runs the route's filters again from here (the request URL is derived and the
	 * backend chosen again).
	 */
	public static final int ORDER = InFlightReleaseFilter.ORDER - 1;

	private static final Log logger = LogFactory.getLog(ProxyErrorFilter.class);

	private static final byte[] NO_BACKEND_BODY = JsonErrorBody.of("No healthy backends available.");

	private final PassiveDetection passiveDetection;

	private final int retries;

	private final Duration responseTimeout;

	private final String retryAfterSeconds;

	private final SmartStickObserver observer;

	private final FreshConnectionRoute freshConnectionRoute = new FreshConnectionRoute();

	/**
	 * Create a filter.
	 * @param passiveDetection what a failed attempt tells of its backend
	 * @param retries how many times a failed request may be retried elsewhere
	 * @param responseTimeout time allowed for a backend to start answering a request once
	 * it is sent, and between any two reads of its answer
	 * @param retryAfterSeconds value of {@code Retry-After} on 503 answers
	 * @param observer told of retries and refusals
	 */
	public ProxyErrorFilter(PassiveDetection passiveDetection, int retries, Duration responseTimeout,
			long retryAfterSeconds, SmartStickObserver observer) {
		this.observer = observer;
		this.passiveDetection = passiveDetection;
		this.retries = retries;
		this.responseTimeout = responseTimeout;
		this.retryAfterSeconds = Long.toString(Math.max(1, retryAfterSeconds));
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		ConnectionUse use = new ConnectionUse(this.responseTimeout);
		// the HTTP client's hook finds it in the context of each attempt's backend request
		return attempt(exchange, chain, use, 0, null).contextWrite(Context.of(ConnectionUse.CONTEXT_KEY, use));
	}

	private Mono<Void> attempt(ServerWebExchange exchange, GatewayFilterChain chain, ConnectionUse use, int attempt,
			Failed previous) {
		return chain.filter(exchange).onErrorResume((ex) -> failed(exchange, chain, use, attempt, previous, ex));
	}

	private Mono<Void> failed(ServerWebExchange exchange, GatewayFilterChain chain, ConnectionUse use, int attempt,
			Failed previous, Throwable ex) {
		restorePooledRoute(exchange, use);
		Backend backend = servedBy(exchange);
		boolean responseStarted = exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR) != null;
		ProxyFailure failure = ProxyFailure.of(ex, use.bound(), responseStarted);
		if (clientGone(exchange)) {
			// the client went away (closed its connection, say while its answer was being written): a
			// cancellation of its own, which says nothing of the backend and leaves nobody to answer
			return Mono.error(ex);
		}
		if (exchange.getResponse().isCommitted()) {
			// the client has part of an answer: nothing to retry or replace. Writing to the client starts
			// with the commit, so only a backend that broke off its body is sure to be at fault here.
			this.passiveDetection.failedWhileAnswering(backend, failure);
			return Mono.error(ex);
		}
		if (previous != null && ex instanceof NotFoundException) {
			// retrying found no other backend: report what actually went wrong
			return answer(exchange, previous.error(), previous.failure(), previous.backend());
		}
		ServerHttpRequest request = exchange.getRequest();
		if (backend != null && RetryRules.mayBeKeepAliveRace(failure, use)) {
			if (failure.neverSent() || isReplayable(request)) {
				logger.debug("Repeating " + request.getMethod() + " " + request.getPath() + " on a fresh connection to"
						+ " backend " + backend.idValue() + " after its pooled connection failed: " + failure.cause());
				prepareRepeat(exchange, use);
				return afterThisSignal(next(exchange, chain, use, true, attempt, previous));
			}
			// written, and not to be sent twice: it may have reached the backend, which nothing shows to be down
		}
		else {
			this.passiveDetection.failed(backend, failure);
		}
		if (backend != null && attempt < this.retries && isRetryable(failure, request)) {
			logger.debug("Retrying " + request.getMethod() + " " + request.getPath() + " after backend "
					+ backend.idValue() + " failed: " + failure.cause());
			this.observer.retried(backend, failure.cause());
			prepareRetry(exchange, backend);
			return afterThisSignal(next(exchange, chain, use, false, attempt + 1, new Failed(ex, failure, backend)));
		}
		return answer(exchange, ex, failure, backend);
	}

	private Mono<Void> next(ServerWebExchange exchange, GatewayFilterChain chain, ConnectionUse use, boolean fresh,
			int attempt, Failed previous) {
		return Mono.defer(() -> {
			use.begin(fresh);
			return attempt(exchange, chain, use, attempt, previous);
		});
	}

	/**
	 * Start the next attempt once the failed one is entirely over. Gateway's
	 * response-writing filter cleans up a failed attempt only after its error signal has
	 * passed through here, closing whatever backend connection the exchange then holds:
	 * started at once, the next attempt could already have stored its own connection
	 * there, and its answer would be cut off. Connection failures are signalled on an
	 * event loop, which runs the next attempt as its next task; off an event loop the next
	 * attempt starts at once.
	 */
	private static Mono<Void> afterThisSignal(Mono<Void> nextAttempt) {
		EventExecutor eventLoop = ThreadExecutorMap.currentExecutor();
		return (eventLoop != null) ? nextAttempt.subscribeOn(Schedulers.fromExecutor(eventLoop)) : nextAttempt;
	}

	private static boolean isRetryable(ProxyFailure failure, ServerHttpRequest request) {
		return RetryRules.isRetryable(failure, isReplayable(request));
	}

	private static boolean isReplayable(ServerHttpRequest request) {
		HttpHeaders headers = request.getHeaders();
		return RetryRules.isReplayable(request.getMethod().name(), headers.getContentLength(),
				headers.containsHeader(HttpHeaders.TRANSFER_ENCODING));
	}

	/**
	 * Forget the failed attempt, and exclude its backend from the next choice.
	 */
	private static void prepareRetry(ServerWebExchange exchange, Backend failed) {
		forgetAttempt(exchange);
		ProxiedExchange.of(exchange).exclude(failed);
	}

	/**
	 * Forget the failed attempt but keep its backend choice, and send the next one through
	 * the route's fresh-connection twin.
	 */
	private void prepareRepeat(ServerWebExchange exchange, ConnectionUse use) {
		Map<String, Object> attributes = exchange.getAttributes();
		ProxiedExchange.of(exchange).repeatSelection();
		forgetAttempt(exchange);
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		if (route != null) {
			use.pooledRoute(route);
			attributes.put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, this.freshConnectionRoute.of(route));
		}
	}

	private static void restorePooledRoute(ServerWebExchange exchange, ConnectionUse use) {
		Route pooled = use.pooledRoute();
		if (pooled != null) {
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, pooled);
			use.pooledRoute(null);
		}
	}

	/**
	 * Forget the failed attempt: the headers of a half-received backend answer, the
	 * request URL (derived again from the route) and the backend choice.
	 */
	private static void forgetAttempt(ServerWebExchange exchange) {
		ServerWebExchangeUtils.reset(exchange);
		Map<String, Object> attributes = exchange.getAttributes();
		attributes.remove(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
		ProxiedExchange.of(exchange).forgetSelection();
		attributes.remove(ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR);
		attributes.remove(ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR);
	}

	private Mono<Void> answer(ServerWebExchange exchange, Throwable ex, ProxyFailure failure, Backend backend) {
		ServerHttpResponse response = exchange.getResponse();
		if (ex instanceof ResponseStatusException && !(ex instanceof NotFoundException)
				&& failure != ProxyFailure.TIMEOUT) {
			return Mono.error(ex);
		}
		// an error answer names no backend and assigns none
		ProxiedExchange.of(exchange).forgetSelection();
		// drop whatever a half-received backend answer left behind (Content-Encoding, ...)
		response.getHeaders().clear();
		if (ex instanceof NotFoundException) {
			response.getHeaders().set(HttpHeaders.RETRY_AFTER, this.retryAfterSeconds);
			Backend refused = ProxiedExchange.of(exchange).refused();
			if (refused != null) {
				this.observer.assigned(refused, Assignment.REFUSED);
			}
			return write(response, HttpStatus.SERVICE_UNAVAILABLE, (refused != null)
					? error("Backend " + refused.idValue() + " is unavailable.") : NO_BACKEND_BODY);
		}
		String id = (backend != null) ? backend.idValue() : "(unknown)";
		if (failure == ProxyFailure.TIMEOUT) {
			logger.warn("Backend " + id + " did not answer within the response timeout"
					+ ((ex.getMessage() != null) ? ": " + ex.getMessage() : ""));
			return write(response, HttpStatus.GATEWAY_TIMEOUT, error("Backend " + id + " did not answer in time."));
		}
		logger.warn("Backend " + id + " failed: " + ex);
		return write(response, HttpStatus.BAD_GATEWAY, error("Backend " + id + " did not answer."));
	}

	private record Failed(Throwable error, ProxyFailure failure, Backend backend) {
	}

	/**
	 * Whether the client's own connection is closed. Writing to a client that went away
	 * fails with the same I/O exceptions as reading from a backend that broke off.
	 */
	private static boolean clientGone(ServerWebExchange exchange) {
		Object nativeRequest;
		try {
			nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		return nativeRequest instanceof Connection connection && !connection.channel().isActive();
	}

	private static Backend servedBy(ServerWebExchange exchange) {
		return ProxiedExchange.of(exchange).backend();
	}

	private static byte[] error(String message) {
		return JsonErrorBody.of(message);
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
