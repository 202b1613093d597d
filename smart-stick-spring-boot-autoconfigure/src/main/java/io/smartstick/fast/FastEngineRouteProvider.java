package io.smartstick.fast;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;

import io.netty.util.concurrent.FastThreadLocal;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import org.reactivestreams.Publisher;

import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Puts the fast engine beneath WebFlux through Spring Boot's {@link NettyRouteProvider}: a
 * request a fast pool claims, WebSocket upgrades included, is proxied by that pool's
 * {@link FastProxy} before WebFlux sees it; every other request (Actuator, the status
 * endpoint, the paths of the application's own handlers, its Gateway routes, pools served
 * by Gateway, upgrades that cannot be tunnelled, see {@link FastRoutes}) goes on to
 * WebFlux as before. Until the application context is refreshed,
 * and when no pool is fast, every request goes on to WebFlux. Registered with the server
 * only when a pool is chosen fast at start-up, so an application whose pools are all
 * served by Gateway pays nothing for it.
 *
 * @author smart-stick
 */
public final class FastEngineRouteProvider {

	/** The proxy the predicate found, handed to the handler called next on the same thread. */
	private static final FastThreadLocal<FastProxy> matched = new FastThreadLocal<>();

	private final Supplier<FastRoutes> routesSupplier;

	private volatile FastRoutes routes;

	/** The port of the server the pools are served on: not the management server's, which may share this provider. */
	private volatile int port = -1;

	/**
	 * Create a provider.
	 * @param routes supplies the pools' routes once the context is refreshed
	 */
	public FastEngineRouteProvider(Supplier<FastRoutes> routes) {
		this.routesSupplier = routes;
	}

	/**
	 * Start serving the fast pools: called once the application context is refreshed.
	 * @param port the port of the application's server, -1 when unknown (every server
	 * this provider was applied to then serves the pools)
	 * @param applicationPaths path patterns of the application's own handlers, left to
	 * WebFlux; empty when there are none
	 */
	public void open(int port, List<PathPattern> applicationPaths) {
		FastRoutes routes = this.routesSupplier.get();
		this.port = port;
		this.routes = (routes != null && routes.any()) ? routes.leaving(applicationPaths) : null;
	}

	/**
	 * Whether fast pools are served.
	 * @return {@code true} once opened with at least one fast pool
	 */
	public boolean isOpen() {
		return this.routes != null;
	}

	/**
	 * Add the fast pools' route, as a {@link NettyRouteProvider} does.
	 * @param routes the server's routes
	 * @return the routes with the fast pools' route added
	 */
	public HttpServerRoutes apply(HttpServerRoutes routes) {
		return routes.route(this::claims, this::handle);
	}

	private boolean claims(HttpServerRequest request) {
		FastRoutes routes = this.routes;
		if (routes == null || (this.port != -1 && !isOnPort(request, this.port))) {
			return false;
		}
		FastProxy proxy = routes.find(request);
		if (proxy == null) {
			return false;
		}
		matched.set(proxy);
		return true;
	}

	private static boolean isOnPort(HttpServerRequest request, int port) {
		// the socket's own address: the host a client names in its headers may be anything
		return request instanceof Connection connection
				&& connection.channel().localAddress() instanceof InetSocketAddress local && local.getPort() == port;
	}

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		FastProxy proxy = matched.get();
		matched.set(null);
		if (proxy == null) {
			// cannot happen: Reactor Netty calls the handler right after its predicate, on the same thread
			proxy = this.routes.find(request);
		}
		return proxy.handle(request, response);
	}

}
