package io.smartstick.tunnel;

import java.time.Duration;
import java.util.function.Consumer;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.smartstick.balancer.Backend;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The WebSocket proxy both engines share, as nginx or HAProxy do it: the upgrade request
 * goes to the chosen backend as an HTTP request, and the backend's answer goes to the
 * client. An answer other than {@code 101} (a refusal) is passed on like any response; a
 * {@code 101} reaches the client with every header the backend sent plus the engine's
 * own, after which the two connections are joined byte for byte: no frame is decoded,
 * so message size, fragmentation, extensions, subprotocols, ping and close are the two
 * ends' business. The tunnel counts as open on its backend until both connections are
 * closed, closes after {@code idleTimeout} without traffic, and is closed when its
 * backend is removed and its drain time is over.
 * <p>
 * Each engine adapts it to its own exchange: it chooses the backend (and retries
 * elsewhere when the backend cannot be reached, which this class reports as an error
 * before the backend answered), writes the request's headers and answers the client
 * through an {@link Answer}.
 *
 * @author smart-stick
 */
public final class WebSocketUpgrade {

	private static final String WEBSOCKET = "websocket";

	private final Duration idleTimeout;

	/**
	 * Create the proxy of one pool's upgrades.
	 * @param idleTimeout time a tunnel may carry no bytes in either direction before both
	 * of its connections are closed, or {@code null} for none
	 */
	public WebSocketUpgrade(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	/**
	 * Whether a request asks for a WebSocket upgrade this proxy can take: a {@code GET}
	 * with {@code Upgrade: websocket} (in any case).
	 * @param method the request's method
	 * @param upgrade the request's {@code Upgrade} header, {@code null} when it has none
	 * @return {@code true} if it does
	 */
	public static boolean isWebSocket(String method, String upgrade) {
		return HttpMethod.GET.name().equals(method) && WEBSOCKET.equalsIgnoreCase(upgrade);
	}

	/**
	 * Return the client's connection if it can be turned into a tunnel: an HTTP/1.1
	 * connection served by Reactor Netty's HTTP/1.1 codec. An HTTP/2 stream (h2, or h2c
	 * after its upgrade) multiplexes other requests on its connection, and another server
	 * gives no access to its connection: neither can carry raw WebSocket bytes.
	 * @param nativeRequest the server's own request object
	 * @return the connection, or {@code null} when it cannot be tunnelled
	 */
	public static Connection tunnelableConnection(Object nativeRequest) {
		if (nativeRequest instanceof Connection connection && nativeRequest instanceof HttpServerRequest request
				&& nativeRequest instanceof HttpServerResponse && HttpVersion.HTTP_1_1.equals(request.version())
				&& connection.channel().pipeline().get(HttpServerCodec.class) != null) {
			return connection;
		}
		return null;
	}

	/**
	 * Send an upgrade request to a backend and answer the client: the backend's refusal
	 * passed on, or its {@code 101} followed by the tunnel.
	 * @param httpClient connects to the backend, with the pool's connect and response
	 * timeouts (the response timeout bounds the wait for the backend's answer only)
	 * @param uri the backend's absolute URL of the request
	 * @param headers writes the request's headers (the forwarding headers, {@code Host}
	 * when it is not the backend's); {@code Connection: Upgrade} and {@code Upgrade} are
	 * set after it
	 * @param upgrade the client's {@code Upgrade} header
	 * @param client the client's connection, as {@link #tunnelableConnection} returned
	 * it
	 * @param backend the backend, whose open tunnels are counted
	 * @param answer the engine's answer to the client
	 * @return completes once the backend's refusal is passed on or both connections of
	 * the tunnel are closed; errors as any proxied request when the backend could not be
	 * reached or did not answer in time. Cancelling it closes the tunnel.
	 */
	public Mono<Void> proxy(HttpClient httpClient, String uri, Consumer<HttpHeaders> headers, String upgrade,
			Connection client, Backend backend, Answer answer) {
		return httpClient.request(HttpMethod.GET).uri(uri).send((request, outbound) -> {
			HttpHeaders requestHeaders = request.requestHeaders();
			headers.accept(requestHeaders);
			// hop-by-hop headers, which the forwarding policy removes, that make this request an upgrade
			requestHeaders.set(HttpHeaderNames.CONNECTION, "Upgrade");
			requestHeaders.set(HttpHeaderNames.UPGRADE, upgrade);
			return Mono.empty();
		}).responseConnection((response, connection) -> answer(response, connection, client, backend, answer)).then();
	}

	private Mono<Void> answer(HttpClientResponse response, Connection connection, Connection client, Backend backend,
			Answer answer) {
		if (response.status().code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
			return Mono.from(answer.passOn(response, connection.inbound().receive()));
		}
		// taken over here, on the backend's event loop, before anything after the 101 is read
		WebSocketTunnel tunnel = WebSocketTunnel.accept(connection);
		return Mono.defer(() -> answer.switchingProtocols(response))
			.flatMap((headers) -> tunnel.join(client, headers, response.status().reasonPhrase(), backend,
					this.idleTimeout))
			.doFinally((signal) -> tunnel.close());
	}

	/**
	 * An engine's answer to the client of an upgrade.
	 */
	public interface Answer {

		/**
		 * Pass on a backend's answer other than {@code 101} as it is: its status, its
		 * headers but the hop-by-hop ones, the engine's own ({@code x-backend-id}, the
		 * sticky cookie when one is due) and its body, streamed.
		 * @param answer the backend's answer
		 * @param body its body, to be retained by whoever keeps its buffers
		 * @return completes when the answer is written
		 */
		Publisher<Void> passOn(HttpClientResponse answer, ByteBufFlux body);

		/**
		 * Prepare the client's {@code 101}: every header of the backend's, the engine's own
		 * ({@code x-backend-id}, the sticky cookie when one is due). Called on the
		 * backend connection's event loop.
		 * @param answer the backend's {@code 101}
		 * @return the headers to write with the client's {@code 101}; empty to close both
		 * connections instead
		 */
		Mono<HttpHeaders> switchingProtocols(HttpClientResponse answer);

	}

}
