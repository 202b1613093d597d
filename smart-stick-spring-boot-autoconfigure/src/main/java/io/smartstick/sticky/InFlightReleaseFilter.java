package io.smartstick.sticky;

import io.smartstick.observe.ExchangeOutcome;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Ends the count of a proxied exchange on its backend once the exchange is really over:
 * it wraps Gateway's response-writing filter, so a response whose body is still
 * streaming, or an open WebSocket session, stays in flight. Smart-stick's
 * {@code ProxyErrorFilter} retries from outside this filter, so each attempt of a retried
 * request ends its own count as failed before the next one is counted. A filter of each
 * pool's route.
 *
 * @author smart-stick
 */
public class InFlightReleaseFilter implements GatewayFilter, Ordered {

	/**
	 * Order of this filter: just before Gateway's response-writing filter.
	 */
	public static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		// a failed attempt ends its count before its error travels on: ProxyErrorFilter may start the next attempt,
		// and count it, as soon as it sees the error, before doFinally would run
		return chain.filter(exchange)
			.doOnError((ex) -> end(exchange, ExchangeOutcome.FAILED))
			.doFinally((signal) -> {
				if (signal != SignalType.ON_ERROR) {
					end(exchange, (signal == SignalType.ON_COMPLETE) ? ExchangeOutcome.COMPLETED
							: ExchangeOutcome.CANCELLED);
				}
			});
	}

	private static void end(ServerWebExchange exchange, ExchangeOutcome outcome) {
		InFlight inFlight = ProxiedExchange.of(exchange).inFlight();
		if (inFlight != null) {
			inFlight.end(status(exchange.getResponse()), outcome);
		}
	}

	private static int status(ServerHttpResponse response) {
		HttpStatusCode status = response.getStatusCode();
		return (status != null && response.isCommitted()) ? status.value() : 0;
	}

}
