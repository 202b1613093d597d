package io.smartstick.fast;

import java.util.List;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Every pool in the order its Gateway route is tried, each with its fast proxy, or none
 * when the pool is served by Gateway: the first pool that claims a request decides which
 * engine serves it. WebSocket handshakes are left to the pool's Gateway route and its
 * WebSocket tunnel.
 *
 * @author smart-stick
 */
public final class FastRoutes {

	private final Entry[] entries;

	/**
	 * Create the routes.
	 * @param entries every pool, in the order of its route
	 */
	public FastRoutes(List<Entry> entries) {
		this.entries = entries.toArray(Entry[]::new);
	}

	/**
	 * Return the fast proxy serving a request.
	 * @param request the request
	 * @return the proxy, or {@code null} when the request is left to WebFlux (no pool
	 * claims it, the pool claiming it is served by Gateway, or it opens a WebSocket)
	 */
	public FastProxy find(HttpServerRequest request) {
		HttpHeaders headers = request.requestHeaders();
		if (headers.contains(HttpHeaderNames.UPGRADE)) {
			return null;
		}
		String path = rawPath(request.uri());
		String host = headers.get(HttpHeaderNames.HOST);
		for (Entry entry : this.entries) {
			if (entry.matcher().matches(path, host)) {
				return entry.proxy();
			}
		}
		return null;
	}

	/**
	 * Whether any pool is served by the fast engine.
	 * @return {@code true} if at least one is
	 */
	public boolean any() {
		for (Entry entry : this.entries) {
			if (entry.proxy() != null) {
				return true;
			}
		}
		return false;
	}

	static String rawPath(String uri) {
		int start = 0;
		if (!uri.startsWith("/")) {
			int scheme = uri.indexOf("://");
			start = (scheme != -1) ? uri.indexOf('/', scheme + 3) : -1;
			if (start == -1) {
				return "/";
			}
		}
		int end = uri.length();
		for (int i = start; i < end; i++) {
			char c = uri.charAt(i);
			if (c == '?' || c == '#') {
				end = i;
				break;
			}
		}
		return (start == 0 && end == uri.length()) ? uri : uri.substring(start, end);
	}

	/**
	 * One pool.
	 *
	 * @param pool the pool's name
	 * @param matcher tells the requests it claims
	 * @param proxy its fast proxy, or {@code null} when Gateway serves it
	 */
	public record Entry(String pool, PoolRequestMatcher matcher, FastProxy proxy) {
	}

}
