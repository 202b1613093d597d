package io.smartstick.fast;

import java.util.List;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.smartstick.tunnel.WebSocketUpgrade;
import reactor.netty.http.server.HttpServerRequest;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Every pool in the order its Gateway route is tried, each with its fast proxy, or none
 * when the pool is served by Gateway: the first pool that claims a request decides which
 * engine serves it. A request on a path of the application's own handlers is left to
 * WebFlux, which serves it with that handler ahead of the pool's Gateway route.
 * <p>
 * A fast pool tunnels the WebSocket upgrades it claims itself (a {@code GET} with
 * {@code Upgrade: websocket}, without a body, on an HTTP/1.1 connection), through the
 * {@link WebSocketUpgrade} the Gateway engine shares. Any other request with an
 * {@code Upgrade} header (HTTP/2 streams, {@code h2c}, another protocol, another method,
 * an upgrade with a body) is left to WebFlux: the pool's Gateway route then serves it as
 * the Gateway engine would, so it gets the same answer on both engines, without the fast
 * engine having to tell which of them a tunnel could not carry. So is a request whose
 * target is not {@linkplain RequestTarget plain}: WebFlux answers 400 to one that is not
 * a URI, as on the Gateway engine.
 *
 * @author smart-stick
 */
public final class FastRoutes {

	private static final PathPattern[] NONE = {};

	private final Entry[] entries;

	private final PathPattern[] applicationPaths;

	/**
	 * Create the routes.
	 * @param entries every pool, in the order of its route
	 */
	public FastRoutes(List<Entry> entries) {
		this(entries.toArray(Entry[]::new), NONE);
	}

	private FastRoutes(Entry[] entries, PathPattern[] applicationPaths) {
		this.entries = entries;
		this.applicationPaths = applicationPaths;
	}

	/**
	 * Return these routes leaving the paths of the application's own handlers to WebFlux.
	 * @param applicationPaths path patterns of the handlers WebFlux consults before the
	 * pools' Gateway routes, empty when there are none
	 * @return the routes
	 */
	public FastRoutes leaving(List<PathPattern> applicationPaths) {
		return new FastRoutes(this.entries, applicationPaths.toArray(PathPattern[]::new));
	}

	/**
	 * Return the fast proxy serving a request.
	 * @param request the request
	 * @return the proxy, or {@code null} when the request is left to WebFlux (no pool
	 * claims it, the pool claiming it is served by Gateway, it asks for an upgrade that
	 * cannot be tunnelled, its path is one of the application's own handlers, or its
	 * target is not {@linkplain RequestTarget plain})
	 */
	public FastProxy find(HttpServerRequest request) {
		if (!RequestTarget.isPlain(request.uri())) {
			return null;
		}
		HttpHeaders headers = request.requestHeaders();
		if (headers.contains(HttpHeaderNames.UPGRADE) && !isTunnelable(request, headers)) {
			return null;
		}
		return find(rawPath(request.uri()), headers.get(HttpHeaderNames.HOST));
	}

	static boolean isTunnelable(HttpServerRequest request, HttpHeaders headers) {
		return WebSocketUpgrade.isWebSocket(request.method().name(), headers.get(HttpHeaderNames.UPGRADE))
				&& !headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
				&& headers.getInt(HttpHeaderNames.CONTENT_LENGTH, 0) == 0
				&& WebSocketUpgrade.tunnelableConnection(request) != null;
	}

	FastProxy find(String path, String host) {
		for (Entry entry : this.entries) {
			if (entry.matcher().matches(path, host)) {
				return (entry.proxy() != null && !isApplicationPath(path)) ? entry.proxy() : null;
			}
		}
		return null;
	}

	private boolean isApplicationPath(String rawPath) {
		if (this.applicationPaths.length == 0) {
			return false;
		}
		// the path alone decides: WebFlux then does as on the Gateway engine (the handler, a 405, the pool's route)
		PathContainer path = PathContainer.parsePath(rawPath);
		for (PathPattern pattern : this.applicationPaths) {
			if (pattern.matches(path)) {
				return true;
			}
		}
		return false;
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
