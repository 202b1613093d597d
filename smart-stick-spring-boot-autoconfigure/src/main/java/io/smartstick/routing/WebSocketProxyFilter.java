package io.smartstick.routing;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.ReadTimeoutException;
import io.smartstick.balancer.Backend;
import io.smartstick.sticky.ProxiedExchange;
import io.smartstick.tunnel.WebSocketUpgrade;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Proxies WebSocket upgrades of smart-stick's route as a transparent tunnel: the Gateway
 * engine's adapter of the {@link WebSocketUpgrade} both engines share. The upgrade request
 * goes to the backend the route's sticky filter chose, with Gateway's request header
 * filters applied; a refusal (403, 426, ...) is passed on like any response, a {@code 101}
 * reaches the client with every header the backend sent (plus {@code x-backend-id} and the
 * sticky cookie when one is due, added by the response's before-commit actions), after
 * which the two connections are joined byte for byte. A backend that cannot be reached
 * fails like any request before the {@code 101} (passive detection, retry elsewhere); the
 * exchange, and its backend's count of active connections, lasts until the tunnel is
 * closed.
 * <p>
 * Upgrades this filter cannot take over (HTTP/2, a server other than Reactor Netty) are
 * left to Gateway's own WebSocket routing.
 *
 * @author smart-stick
 */
public class WebSocketProxyFilter implements GatewayFilter, Ordered {

	/**
	 * Order of this filter: just before Gateway's own WebSocket routing filter.
	 */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 2;

	/** Hop-by-hop headers of a refusal, which the server writes its own way. */
	private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "upgrade", "transfer-encoding",
			"proxy-connection", "te", "trailer");

	private final HttpClient httpClient;

	private final ObjectProvider<List<HttpHeadersFilter>> headersFilters;

	private final WebSocketUpgrade upgrade;

	/**
	 * Create a filter.
	 * @param httpClient Gateway's HTTP client, which connects to backends
	 * @param connectTimeout time allowed to connect to a backend
	 * @param responseTimeout time allowed for the backend to answer the upgrade
	 * @param idleTimeout time a tunnel may carry no bytes before it is closed, or
	 * {@code null} for none
	 * @param headersFilters Gateway's request header filters (X-Forwarded-*, hop-by-hop)
	 */
	public WebSocketProxyFilter(HttpClient httpClient, Duration connectTimeout, Duration responseTimeout,
			Duration idleTimeout, ObjectProvider<List<HttpHeadersFilter>> headersFilters) {
		this.httpClient = httpClient.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
			.responseTimeout(responseTimeout);
		this.upgrade = new WebSocketUpgrade(idleTimeout);
		this.headersFilters = headersFilters;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		URI url = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
		ServerHttpRequest request = exchange.getRequest();
		if (url == null || !WebSocketUpgrade.isWebSocket(request.getMethod().name(), request.getHeaders().getUpgrade())
				|| ServerWebExchangeUtils.isAlreadyRouted(exchange)) {
			return chain.filter(exchange);
		}
		Connection client = http11Connection(request);
		Backend backend = servedBy(exchange);
		if (client == null || backend == null) {
			return chain.filter(exchange);
		}
		ServerWebExchangeUtils.setAlreadyRouted(exchange);
		HttpHeaders headers = backendHeaders(exchange);
		return this.upgrade
			.proxy(this.httpClient, url.toString(),
					(backendRequest) -> headers.forEach((name, values) -> backendRequest.set(name, values)),
					request.getHeaders().getUpgrade(), client, backend, new ExchangeAnswer(exchange, client))
			.onErrorMap(ReadTimeoutException.class, (ex) -> new ResponseStatusException(HttpStatus.GATEWAY_TIMEOUT,
					"Backend did not answer the WebSocket upgrade in time", ex));
	}

	private HttpHeaders backendHeaders(ServerWebExchange exchange) {
		HttpHeaders filtered = HttpHeadersFilter.filterRequest(this.headersFilters.getIfAvailable(ArrayList::new),
				exchange);
		HttpHeaders headers = new HttpHeaders();
		boolean preserveHost = exchange.getAttributeOrDefault(ServerWebExchangeUtils.PRESERVE_HOST_HEADER_ATTRIBUTE,
				false);
		for (Map.Entry<String, List<String>> header : filtered.headerSet()) {
			if (preserveHost || !header.getKey().equalsIgnoreCase(HttpHeaders.HOST)) {
				headers.put(header.getKey(), header.getValue());
			}
		}
		return headers;
	}

	/**
	 * The client's connection, if it is an HTTP/1.1 connection served by Reactor Netty,
	 * which can be turned into a tunnel.
	 */
	private static Connection http11Connection(ServerHttpRequest request) {
		try {
			return WebSocketUpgrade.tunnelableConnection(ServerHttpRequestDecorator.getNativeRequest(request));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static Backend servedBy(ServerWebExchange exchange) {
		return ProxiedExchange.of(exchange).backend();
	}

	/**
	 * The answer to the client through the exchange's response, so that its
	 * before-commit actions add {@code x-backend-id} and the sticky cookie.
	 */
	private record ExchangeAnswer(ServerWebExchange exchange, Connection client) implements WebSocketUpgrade.Answer {

		@Override
		public Mono<Void> passOn(HttpClientResponse answer, ByteBufFlux body) {
			ServerHttpResponse response = this.exchange.getResponse();
			response.setStatusCode(HttpStatusCode.valueOf(answer.status().code()));
			HttpHeaders headers = response.getHeaders();
			for (Map.Entry<String, String> header : answer.responseHeaders()) {
				if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
					headers.add(header.getKey(), header.getValue());
				}
			}
			if (response.bufferFactory() instanceof NettyDataBufferFactory factory) {
				return response.writeWith(body.retain().map(factory::wrap));
			}
			return response.writeWith(body.asByteArray().map((bytes) -> response.bufferFactory().wrap(bytes)));
		}

		@Override
		public Mono<io.netty.handler.codec.http.HttpHeaders> switchingProtocols(HttpClientResponse answer) {
			ServerHttpResponse response = this.exchange.getResponse();
			response.setStatusCode(HttpStatus.SWITCHING_PROTOCOLS);
			HttpHeaders headers = response.getHeaders();
			for (String name : answer.responseHeaders().names()) {
				headers.put(name, answer.responseHeaders().getAll(name));
			}
			// committing runs the response's before-commit actions (x-backend-id, the sticky cookie) and copies the
			// headers to the server's response, whose headers the tunnel writes
			return response.setComplete()
				.then(Mono.fromSupplier(() -> ((HttpServerResponse) this.client).responseHeaders()));
		}

	}

}
