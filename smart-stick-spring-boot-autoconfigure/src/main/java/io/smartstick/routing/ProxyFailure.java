package io.smartstick.routing;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

import io.netty.channel.ConnectTimeoutException;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * How a proxied request failed, which decides whether the backend is taken down and
 * whether the request may be retried elsewhere.
 *
 * @author smart-stick
 */
enum ProxyFailure {

	/**
	 * The backend was never reached (refused, connect timeout, unresolvable): nothing was
	 * sent, so any request can be retried.
	 */
	NOT_REACHED("connection refused"),

	/**
	 * The connection broke before any response: the backend may have received the
	 * request, so only idempotent requests without a body are retried.
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

	private final String cause;

	ProxyFailure(String cause) {
		this.cause = cause;
	}

	String cause() {
		return this.cause;
	}

	boolean isTransport() {
		return this == NOT_REACHED || this == RESET_BEFORE_RESPONSE || this == RESET_DURING_RESPONSE;
	}

	static ProxyFailure of(Throwable ex) {
		if (ex instanceof ResponseStatusException status
				&& status.getStatusCode().value() == HttpStatus.GATEWAY_TIMEOUT.value()) {
			return TIMEOUT;
		}
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException || cause instanceof ConnectTimeoutException
					|| cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException) {
				return NOT_REACHED;
			}
			if (cause instanceof AbortedException && String.valueOf(cause.getMessage()).contains("BEFORE send")) {
				// a pooled connection the backend had closed: nothing was sent
				return NOT_REACHED;
			}
			if (cause instanceof PrematureCloseException) {
				String message = String.valueOf(cause.getMessage());
				if (message.contains("BEFORE response")) {
					return RESET_BEFORE_RESPONSE;
				}
				return message.contains("DURING response") ? RESET_DURING_RESPONSE : OTHER;
			}
			if (cause instanceof java.io.IOException && String.valueOf(cause.getMessage()).contains("reset by peer")) {
				return RESET_BEFORE_RESPONSE;
			}
		}
		return OTHER;
	}

}
