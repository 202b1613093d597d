package io.smartstick.routing;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

import io.netty.channel.ChannelException;
import io.netty.handler.timeout.ReadTimeoutException;
import reactor.netty.channel.AbortedException;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * How a proxied request failed, which decides whether the backend is taken down and
 * whether the request may be retried, on either engine. Told apart by the types in the exception's cause
 * chain and by how far the attempt got (whether a connection was given the request,
 * whether the response had started), never by message text.
 *
 * @author smart-stick
 */
public enum ProxyFailure {

	/**
	 * The backend could not be connected to (refused, connect timeout, unresolvable):
	 * nothing was sent, so any request can be retried.
	 */
	NOT_REACHED("connection refused"),

	/**
	 * A connection was lost before any byte of the request was written to it: closed
	 * before the request was sent, or every pooled connection handed out was found
	 * closed. Nothing was sent, so any request can be retried; the backend had accepted
	 * the connection (it closes idle ones), which is no sign that it is down.
	 */
	NOT_SENT("connection closed before the request was sent"),

	/**
	 * No connection could be had from smart-stick's own pool (acquire timeout, too many
	 * pending acquires, pool shut down): nothing was sent, and nothing is known of the
	 * backend, which is not taken down.
	 */
	NO_CONNECTION("no connection available"),

	/**
	 * The connection broke after the request was (at least partly) written, before any
	 * response: the backend may have received the request, so only idempotent requests
	 * without a body are retried.
	 */
	RESET_BEFORE_RESPONSE("connection closed before a response"),

	/**
	 * The connection broke after the response headers, before the whole body: retried like
	 * {@link #RESET_BEFORE_RESPONSE} as long as nothing was sent to the client yet.
	 */
	RESET_DURING_RESPONSE("connection closed during the response"),

	/**
	 * The backend did not answer within the response timeout: never retried.
	 */
	TIMEOUT("response timeout"),

	/**
	 * Anything else.
	 */
	OTHER("proxy error");

	private static final int MAX_CAUSES = 16;

	private static final String[] POOL_PACKAGES = { "reactor.netty.internal.shaded.reactor.pool", "reactor.pool" };

	private final String cause;

	ProxyFailure(String cause) {
		this.cause = cause;
	}

	/**
	 * Return the cause as logged and reported, such as {@code connection refused}.
	 * @return the cause
	 */
	public String cause() {
		return this.cause;
	}

	/**
	 * Whether the failure is the backend's or its connection's, which passive detection
	 * takes as a sign that the backend is down.
	 */
	public boolean isTransport() {
		return this == NOT_REACHED || this == RESET_BEFORE_RESPONSE || this == RESET_DURING_RESPONSE;
	}

	/**
	 * Whether nothing of the request was written to any backend, so that it can be sent
	 * again whatever its method.
	 */
	public boolean neverSent() {
		return this == NOT_REACHED || this == NOT_SENT || this == NO_CONNECTION;
	}

	/**
	 * The warning logged, on either engine, when nothing was read of a started answer for
	 * longer than the response timeout: either the backend sent nothing, or the client
	 * took nothing, so reading from the backend paused (backpressure). The client's
	 * connection is closed, as nothing else can tell it that its answer is incomplete.
	 * @param backendId the backend's id
	 * @return the message
	 */
	public static String timedOutInTheMiddleOfItsAnswer(String backendId) {
		return "Cut off the answer of backend " + backendId + ": nothing was read of it for longer than the "
				+ "response timeout (the backend sent nothing, or the client took nothing); closing the client's "
				+ "connection";
	}

	/**
	 * Classify a failure.
	 * @param ex the error the attempt ended with
	 * @param bound whether a backend connection had been given the request (see
	 * {@link ConnectionUse#bound()})
	 * @param responseStarted whether the backend's response headers had been received
	 * @return the kind of failure
	 */
	public static ProxyFailure of(Throwable ex, boolean bound, boolean responseStarted) {
		if (ex instanceof ResponseStatusException status
				&& status.getStatusCode().value() == HttpStatus.GATEWAY_TIMEOUT.value()) {
			// a Gateway filter's 504, such as Gateway's own response timeout (which smart-stick's routes leave off)
			return TIMEOUT;
		}
		boolean transport = false;
		Throwable cause = ex;
		for (int i = 0; cause != null && i < MAX_CAUSES; i++) {
			if (cause instanceof ConnectException || cause instanceof UnknownHostException
					|| cause instanceof UnresolvedAddressException) {
				// includes Netty's ConnectTimeoutException and its native transport's connect errors
				return NOT_REACHED;
			}
			if (cause instanceof ReadTimeoutException) {
				// the HTTP client's own response timeout, on either engine
				return TIMEOUT;
			}
			if (isPoolFailure(cause)) {
				return NO_CONNECTION;
			}
			if (cause instanceof AbortedException && cause.getCause() == null) {
				// Reactor Netty's "closed BEFORE send": raised, without a cause, only when the connection
				// was closed before the request's headers were handed to it
				return NOT_SENT;
			}
			transport |= cause instanceof IOException || cause instanceof AbortedException
					|| cause instanceof ChannelException;
			cause = (cause.getCause() != cause) ? cause.getCause() : null;
		}
		if (!transport) {
			return OTHER;
		}
		if (responseStarted) {
			return RESET_DURING_RESPONSE;
		}
		// an I/O failure before any connection had the request: acquiring from the pool failed on connections
		// found closed (Reactor Netty's "Error while acquiring from pool")
		return bound ? RESET_BEFORE_RESPONSE : NOT_SENT;
	}

	private static boolean isPoolFailure(Throwable ex) {
		String packageName = ex.getClass().getPackageName();
		for (String pool : POOL_PACKAGES) {
			if (packageName.equals(pool)) {
				return true;
			}
		}
		return false;
	}

}
