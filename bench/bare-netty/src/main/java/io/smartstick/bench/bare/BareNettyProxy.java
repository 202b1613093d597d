package io.smartstick.bench.bare;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/**
 * The ceiling of smart-stick's fast engine: a bare sticky proxy on Reactor Netty. It
 * reads the {@code X-Backend-ID} cookie (the backend's index), picks a backend round
 * robin for a client without one, forwards the request with its headers (minus
 * {@code Host} and {@code Connection}) and streams both bodies as retained buffers. No
 * health checks, no retries, no forwarding headers: what is left is the cost of the
 * stack itself.
 * <p>
 * Usage: {@code java -jar bare-netty.jar <port> <backend url> [<backend url>...]}
 *
 * @author smart-stick
 */
public final class BareNettyProxy {

	private BareNettyProxy() {
	}

	public static void main(String[] args) {
		int port = Integer.parseInt(args[0]);
		List<String> backends = List.of(args).subList(1, args.length);
		AtomicInteger next = new AtomicInteger();
		HttpClient client = HttpClient.create();
		DisposableServer server = HttpServer.create().host("127.0.0.1").port(port).handle((request, response) -> {
			String cookie = request.requestHeaders().get(HttpHeaderNames.COOKIE);
			int sticky = (cookie != null) ? stickyIndex(cookie, backends.size()) : -1;
			int index = (sticky != -1) ? sticky : Math.floorMod(next.getAndIncrement(), backends.size());
			HttpHeaders headers = request.requestHeaders().copy();
			headers.remove(HttpHeaderNames.HOST).remove(HttpHeaderNames.CONNECTION);
			return client.headers((h) -> h.add(headers))
				.request(request.method())
				.uri(backends.get(index) + request.uri())
				.send(request.receive().retain())
				.response((backendResponse, body) -> {
					response.status(backendResponse.status());
					response.headers(backendResponse.responseHeaders().copy()
						.remove(HttpHeaderNames.CONNECTION)
						.remove(HttpHeaderNames.TRANSFER_ENCODING));
					response.header("x-backend-id", Integer.toString(index));
					if (sticky == -1) {
						response.header(HttpHeaderNames.SET_COOKIE, "X-Backend-ID=" + index + "; Path=/; HttpOnly");
					}
					return response.send(body.retain());
				});
		}).bindNow();
		server.onDispose().block();
	}

	private static int stickyIndex(String cookie, int backends) {
		int start = cookie.indexOf("X-Backend-ID=");
		if (start == -1) {
			return -1;
		}
		start += "X-Backend-ID=".length();
		int end = start;
		while (end < cookie.length() && Character.isDigit(cookie.charAt(end))) {
			end++;
		}
		try {
			int index = Integer.parseInt(cookie.substring(start, end));
			return (index < backends) ? index : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

}
