package io.smartstick.sticky;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.smartstick.balancer.Backend;

import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Builds the {@code Set-Cookie} value that assigns a client to a backend, with the
 * configured attributes. With {@code secure=auto} the cookie is Secure when the request
 * came over https, directly or as told by {@code X-Forwarded-Proto} from a trusted proxy.
 *
 * @author smart-stick
 */
public class StickyCookieWriter {

	private static final String FORWARDED_PROTO = "X-Forwarded-Proto";

	private static final int MAX_CACHED = 4096;

	private final CookieSettings settings;

	private final StickyCookieCodec codec;

	private final Pattern trustedProxies;

	/** Set-Cookie values by backend, looked up by identity: no boxing of the id per request. */
	private final Map<Backend, String> plainCookies = new ConcurrentHashMap<>();

	private final Map<Backend, String> secureCookies = new ConcurrentHashMap<>();

	/**
	 * Create a writer.
	 * @param settings the cookie's attributes
	 * @param codec writes the cookie value
	 */
	public StickyCookieWriter(CookieSettings settings, StickyCookieCodec codec) {
		this.settings = settings;
		this.codec = codec;
		this.trustedProxies = settings.trustedProxies();
	}

	/**
	 * Return the name of the cookie this writer writes.
	 * @return the cookie's name
	 */
	public String cookieName() {
		return this.settings.name();
	}

	/**
	 * Return the {@code Set-Cookie} header value assigning the client to the backend.
	 * @param backend the backend
	 * @param request the request being answered
	 * @return the header value
	 */
	public String cookie(Backend backend, ServerHttpRequest request) {
		boolean overHttps = request.getSslInfo() != null || "https".equalsIgnoreCase(request.getURI().getScheme());
		return cookie(backend, overHttps, request.getHeaders().getFirst(FORWARDED_PROTO), request.getRemoteAddress());
	}

	/**
	 * Return the {@code Set-Cookie} header value assigning the client to the backend, from
	 * plain facts of the request being answered (for engines without WebFlux requests).
	 * @param backend the backend
	 * @param overHttps whether the request came to this load balancer over https
	 * @param forwardedProto the request's first {@code X-Forwarded-Proto}, or {@code null}
	 * @param remote the peer's address, or {@code null} when unknown
	 * @return the header value
	 */
	public String cookie(Backend backend, boolean overHttps, String forwardedProto, InetSocketAddress remote) {
		boolean secure = isSecure(overHttps, forwardedProto, remote);
		// the header depends only on the backend and the Secure flag: built once, then reused
		Map<Backend, String> cache = secure ? this.secureCookies : this.plainCookies;
		String cookie = cache.get(backend);
		if (cookie == null) {
			cookie = build(backend, secure);
			if (cache.size() < MAX_CACHED) {
				cache.put(backend, cookie);
			}
		}
		return cookie;
	}

	private String build(Backend backend, boolean secure) {
		ResponseCookie.ResponseCookieBuilder cookie = ResponseCookie
			.from(this.settings.name(), this.codec.encode(backend))
			.path(this.settings.path())
			.httpOnly(this.settings.httpOnly())
			.sameSite(this.settings.sameSite())
			.secure(secure);
		if (this.settings.maxAge() != null) {
			cookie.maxAge(this.settings.maxAge());
		}
		return cookie.build().toString();
	}

	private boolean isSecure(boolean overHttps, String forwardedProto, InetSocketAddress remote) {
		return switch (this.settings.secure()) {
			case ALWAYS -> true;
			case NEVER -> false;
			case AUTO -> overHttps || forwardedHttps(forwardedProto, remote);
		};
	}

	private boolean forwardedHttps(String forwardedProto, InetSocketAddress remote) {
		if (forwardedProto == null) {
			return false;
		}
		if (remote == null || remote.getAddress() == null
				|| !this.trustedProxies.matcher(remote.getAddress().getHostAddress()).matches()) {
			return false;
		}
		int comma = forwardedProto.indexOf(',');
		String first = (comma != -1) ? forwardedProto.substring(0, comma) : forwardedProto;
		return "https".equalsIgnoreCase(first.trim());
	}

}
