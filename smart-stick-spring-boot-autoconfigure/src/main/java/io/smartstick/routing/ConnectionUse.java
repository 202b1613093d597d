package io.smartstick.routing;

import java.time.Duration;

import io.netty.channel.Channel;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClientRequest;

import org.springframework.cloud.gateway.route.Route;

/**
 * Which backend connection the current attempt of a proxied exchange went out on: one
 * per exchange, in the Reactor context of its attempts, filled in by
 * {@link BackendRequestHook} when the request is about to be written and read by
 * {@link ProxyErrorFilter} when the attempt fails. A connection counts as reused from its
 * second request on (a channel attribute marks it at its first), the case of the
 * keep-alive race: a backend closing an idle keep-alive connection just as a request is
 * written to it. It also carries the pool's response timeout to that hook, which gives it
 * to the request as Reactor Netty's own (as the fast engine's client has it): the time
 * allowed between the request being sent and the first byte of the answer, and between
 * any two reads of the answer after that.
 *
 * @author smart-stick
 */
public final class ConnectionUse {

	/**
	 * Key of the exchange's {@code ConnectionUse} in the Reactor context.
	 */
	public static final String CONTEXT_KEY = ConnectionUse.class.getName();

	private static final AttributeKey<Boolean> CARRIED_REQUEST = AttributeKey.valueOf(ConnectionUse.class,
			"carriedRequest");

	private final Duration responseTimeout;

	/** Set on the backend connection's event loop, read where the attempt's failure is signalled. */
	private volatile boolean bound;

	private volatile boolean reused;

	private volatile boolean fresh;

	private Route pooledRoute;

	/**
	 * Create one for an exchange whose requests take their client's response timeout.
	 */
	public ConnectionUse() {
		this(null);
	}

	/**
	 * Create one for an exchange.
	 * @param responseTimeout the response timeout of each of its backend requests, or
	 * {@code null} for the HTTP client's own
	 */
	public ConnectionUse(Duration responseTimeout) {
		this.responseTimeout = responseTimeout;
	}

	/**
	 * Start an attempt.
	 * @param fresh whether it must go out on a connection of its own, closed after it
	 */
	public void begin(boolean fresh) {
		this.bound = false;
		this.reused = false;
		this.fresh = fresh;
	}

	/**
	 * Whether a backend connection was given the attempt's request: {@code false} when
	 * the attempt failed while connecting or acquiring a pooled connection, so nothing
	 * was written.
	 */
	public boolean bound() {
		return this.bound;
	}

	/**
	 * Whether that connection had carried an earlier request (taken from the pool).
	 */
	public boolean reused() {
		return this.reused;
	}

	/**
	 * Whether the attempt was the repeat on a fresh connection.
	 */
	public boolean fresh() {
		return this.fresh;
	}

	/**
	 * The exchange's own route while a repeat runs on the fresh-connection twin route.
	 */
	Route pooledRoute() {
		return this.pooledRoute;
	}

	void pooledRoute(Route route) {
		this.pooledRoute = route;
	}

	/**
	 * Note the connection a request is about to be written to, and give the request its
	 * response timeout: called by the HTTP client on that connection's event loop, for
	 * every request it sends, smart-stick's or not.
	 * @param request the request, whose context holds the exchange's
	 * {@code ConnectionUse}, if any
	 * @param connection the connection
	 */
	public static void requestPrepared(HttpClientRequest request, Connection connection) {
		Channel channel = connection.channel();
		// only this channel's event loop reads and writes the mark: no atomic operation needed
		Attribute<Boolean> carried = channel.attr(CARRIED_REQUEST);
		boolean reused = carried.get() != null;
		if (!reused) {
			carried.set(Boolean.TRUE);
		}
		ConnectionUse use = request.currentContextView().getOrDefault(CONTEXT_KEY, null);
		if (use != null) {
			use.reused = reused;
			use.bound = true;
			if (use.responseTimeout != null) {
				request.responseTimeout(use.responseTimeout);
			}
			if (use.fresh) {
				// never back to the pool: the next repeat finds no idle connection there either
				connection.markPersistent(false);
			}
		}
	}

}
