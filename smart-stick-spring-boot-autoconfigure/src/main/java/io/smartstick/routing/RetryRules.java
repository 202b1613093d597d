package io.smartstick.routing;

import java.util.Set;

/**
 * When a failed attempt of a proxied request is sent again, on either engine: repeated on
 * a fresh connection to the same backend when it may have met the keep-alive race, or
 * retried on another backend when that is safe. Plain values in, so that the Gateway
 * filters and the fast engine decide alike.
 *
 * @author smart-stick
 */
public final class RetryRules {

	private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

	private RetryRules() {
	}

	/**
	 * Whether a failure may be the keep-alive race, not yet met with a fresh connection:
	 * the request failed before any response on a connection from the pool, or a
	 * connection was lost before any of the request was written to it.
	 * @param failure how the attempt failed
	 * @param use the connection the attempt went out on
	 * @return whether to repeat the attempt on a fresh connection (if the request may be
	 * sent twice or was never sent)
	 */
	public static boolean mayBeKeepAliveRace(ProxyFailure failure, ConnectionUse use) {
		return !use.fresh() && (failure == ProxyFailure.NOT_SENT
				|| (failure == ProxyFailure.RESET_BEFORE_RESPONSE && use.reused()));
	}

	/**
	 * Whether a failed request may be retried on another backend.
	 * @param failure how the attempt failed
	 * @param replayable whether the request may be sent twice (see
	 * {@link #isReplayable(String, long, boolean)})
	 * @return {@code true} if nothing was sent, or the request is replayable and the
	 * connection broke
	 */
	public static boolean isRetryable(ProxyFailure failure, boolean replayable) {
		if (failure.neverSent()) {
			return true;
		}
		return (failure == ProxyFailure.RESET_BEFORE_RESPONSE || failure == ProxyFailure.RESET_DURING_RESPONSE)
				&& replayable;
	}

	/**
	 * Whether a request that may have reached a backend can be sent again: idempotent and
	 * without a body.
	 * @param method the request's method
	 * @param contentLength its {@code Content-Length}, or -1 when not set
	 * @param hasTransferEncoding whether it has a {@code Transfer-Encoding}
	 * @return whether the request may be sent twice
	 */
	public static boolean isReplayable(String method, long contentLength, boolean hasTransferEncoding) {
		return IDEMPOTENT.contains(method) && contentLength <= 0 && !hasTransferEncoding;
	}

}
