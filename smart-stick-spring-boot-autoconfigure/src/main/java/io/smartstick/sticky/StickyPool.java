package io.smartstick.sticky;

import io.smartstick.balancer.Pool;

/**
 * The sticky side of one pool: how its requests are assigned to backends and how the
 * assignment is written back to the client.
 *
 * @param pool the pool
 * @param selector decides each request's backend, cookie first
 * @param cookieWriter writes the pool's sticky cookie
 * @author smart-stick
 */
public record StickyPool(Pool pool, StickyBackendSelector selector, StickyCookieWriter cookieWriter) {

	/**
	 * Return the name of the pool's sticky cookie.
	 * @return the cookie's name
	 */
	public String cookieName() {
		return this.cookieWriter.cookieName();
	}

}
