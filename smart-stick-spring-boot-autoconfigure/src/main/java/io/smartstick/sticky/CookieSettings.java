package io.smartstick.sticky;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Attributes of one pool's sticky cookie.
 *
 * @param name the cookie's name
 * @param path its Path attribute
 * @param httpOnly whether it is HttpOnly
 * @param sameSite its SameSite attribute value, such as {@code Lax}
 * @param secure when it gets the Secure attribute
 * @param maxAge its Max-Age, or {@code null} for a session cookie
 * @param trustedProxies addresses whose {@code X-Forwarded-Proto} is believed for
 * {@link Secure#AUTO}
 * @author smart-stick
 */
public record CookieSettings(String name, String path, boolean httpOnly, String sameSite, Secure secure,
		Duration maxAge, Pattern trustedProxies) {

	/**
	 * When the cookie gets the Secure attribute.
	 */
	public enum Secure {

		/**
		 * When the request came over https, directly or as a trusted proxy says.
		 */
		AUTO,

		/**
		 * Always.
		 */
		ALWAYS,

		/**
		 * Never.
		 */
		NEVER

	}

}
