package io.smartstick.server;

import java.time.Duration;

import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;

/**
 * Protects every HTTP/1.1 connection of the application's Reactor Netty server: a
 * request-head time limit ({@link RequestHeadTimeout}), the heads HTTP/1.1 requires a
 * server to reject, such as two {@code Host} headers ({@link RequestHeadRules}), and a
 * malformed chunked body rejected before its request is proxied ({@link ChunkedBodyGate}).
 *
 * @author smart-stick
 */
public class ClientConnectionCustomizer implements NettyServerCustomizer {

	private final Duration timeout;

	/**
	 * Create a customizer.
	 * @param timeout the time a client may take to send a request's line and headers
	 */
	public ClientConnectionCustomizer(Duration timeout) {
		this.timeout = timeout;
	}

	@Override
	public HttpServer apply(HttpServer server) {
		return server.doOnChannelInit((observer, channel, remoteAddress) -> {
			RequestHeadTimeout.install(channel.pipeline(), this.timeout);
			ChunkedBodyGate.install(channel.pipeline());
			// added last behind the head timeout, so it sits ahead of the gate: a head it rejects is never held
			RequestHeadRules.install(channel.pipeline());
		});
	}

}
