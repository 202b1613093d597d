package io.smartstick.routing;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.client.WebSocketClient;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Proxies WebSocket upgrades of smart-stick's route backend first: the backend's handshake
 * is made before the client's, so a backend that refuses the upgrade has its answer
 * passed to the client, and a backend that cannot be reached fails like any request
 * (passive detection, retry elsewhere). Once both handshakes succeed, frames flow both
 * ways and a close on either side closes the other with the same status.
 *
 * @author smart-stick
 */
public class WebSocketProxyFilter implements GlobalFilter, Ordered {

	/**
	 * Order of this filter: just before Gateway's own WebSocket routing filter.
	 */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 2;

	private static final String SEC_WEBSOCKET_PROTOCOL = "Sec-WebSocket-Protocol";

	private final WebSocketClient client;

	private final WebSocketService service;

	private final ObjectProvider<List<HttpHeadersFilter>> headersFilters;

	/**
	 * Create a filter.
	 * @param client connects to backends
	 * @param service upgrades client connections
	 * @param headersFilters Gateway's request header filters (X-Forwarded-*, hop-by-hop)
	 */
	public WebSocketProxyFilter(WebSocketClient client, WebSocketService service,
			ObjectProvider<List<HttpHeadersFilter>> headersFilters) {
		this.client = client;
		this.service = service;
		this.headersFilters = headersFilters;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		URI url = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
		if (!SmartStickRoutes.isSmartStickRoute(exchange) || url == null
				|| !"websocket".equalsIgnoreCase(exchange.getRequest().getHeaders().getUpgrade())
				|| ServerWebExchangeUtils.isAlreadyRouted(exchange)) {
			return chain.filter(exchange);
		}
		ServerWebExchangeUtils.setAlreadyRouted(exchange);
		List<String> protocols = protocols(exchange.getRequest().getHeaders());
		return this.client.execute(webSocketUrl(url), backendHeaders(exchange), new WebSocketHandler() {

			@Override
			public List<String> getSubProtocols() {
				return protocols;
			}

			@Override
			public Mono<Void> handle(WebSocketSession backend) {
				return upgradeClient(exchange, backend);
			}

		}).onErrorResume(WebSocketClientHandshakeException.class, (ex) -> passRefusal(exchange, ex.response()));
	}

	private Mono<Void> upgradeClient(ServerWebExchange exchange, WebSocketSession backend) {
		Sinks.Empty<Void> clientDone = Sinks.empty();
		String selected = backend.getHandshakeInfo().getSubProtocol();
		WebSocketHandler bridge = new WebSocketHandler() {

			@Override
			public List<String> getSubProtocols() {
				return (selected != null) ? List.of(selected) : List.of();
			}

			@Override
			public Mono<Void> handle(WebSocketSession client) {
				return WebSocketBridge.connect(client, backend).doFinally((signal) -> clientDone.tryEmitEmpty());
			}

		};
		return this.service.handleRequest(exchange, bridge).then(clientDone.asMono());
	}

	private static Mono<Void> passRefusal(ServerWebExchange exchange, HttpResponse refusal) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatusCode.valueOf(refusal.status().code()));
		HttpHeaders headers = response.getHeaders();
		for (Map.Entry<String, String> header : refusal.headers()) {
			String name = header.getKey().toLowerCase(Locale.ROOT);
			if (!name.equals("connection") && !name.equals("upgrade") && !name.equals("transfer-encoding")
					&& !name.equals("content-length")) {
				headers.add(header.getKey(), header.getValue());
			}
		}
		if (refusal instanceof FullHttpResponse full && full.content().isReadable()) {
			byte[] body = ByteBufUtil.getBytes(full.content());
			return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
		}
		return response.setComplete();
	}

	private HttpHeaders backendHeaders(ServerWebExchange exchange) {
		HttpHeaders filtered = HttpHeadersFilter.filterRequest(this.headersFilters.getIfAvailable(ArrayList::new),
				exchange);
		HttpHeaders headers = new HttpHeaders();
		for (Map.Entry<String, List<String>> header : filtered.headerSet()) {
			String name = header.getKey().toLowerCase(Locale.ROOT);
			if (!name.startsWith("sec-websocket") && !name.equals("host")) {
				headers.addAll(header.getKey(), header.getValue());
			}
		}
		return headers;
	}

	private static List<String> protocols(HttpHeaders headers) {
		List<String> values = headers.get(SEC_WEBSOCKET_PROTOCOL);
		if (values == null) {
			return List.of();
		}
		List<String> protocols = new ArrayList<>();
		for (String value : values) {
			protocols.addAll(Arrays.asList(StringUtils.tokenizeToStringArray(value, ",")));
		}
		return protocols;
	}

	private static URI webSocketUrl(URI url) {
		String scheme = "https".equalsIgnoreCase(url.getScheme()) ? "wss" : "ws";
		return UriComponentsBuilder.fromUri(url).scheme(scheme).build(true).toUri();
	}

}
