package io.smartstick.config;

import java.time.Duration;
import java.util.List;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.HealthSettings;

/**
 * One validated pool of backends with every setting resolved: its own where the pool sets
 * them, the top-level ones otherwise. The pool named {@value #DEFAULT_POOL} comes from
 * the top-level settings ({@code smartstick.backends}, ...), the others from
 * {@code smartstick.pools.<name>.*}. Created by {@link PoolDefinitions}; holds no
 * {@link SmartStickProperties} type, so that runtime objects can be built from it.
 *
 * @param name the pool's name: letters, digits, {@code -} and {@code _}
 * @param propertyPrefix prefix of the pool's properties, {@code smartstick} for the
 * default pool and {@code smartstick.pools.<name>} for the others, to name them in
 * messages
 * @param backends the pool's backends, in configuration order, with their health
 * settings resolved against the pool's
 * @param strategy name of the balancing strategy for new clients
 * @param cookie the pool's sticky cookie
 * @param strictFailover whether a client whose sticky backend is down is answered 503
 * ({@code strict}) rather than moved to a healthy backend ({@code redistribute})
 * @param passive whether a transport failure while proxying takes a backend down at once
 * @param healthChecks the pool's active health checks
 * @param proxy the pool's proxied request settings
 * @param paths Gateway path patterns the pool claims, empty when it claims every path
 * @param hosts Gateway host patterns the pool claims, empty when it claims every host
 * @param order precedence of the pool's route, or {@code null} when not set
 * @param filters Gateway filter definitions in shortcut form, such as
 * {@code StripPrefix=1}, in order; their names are not checked yet
 * @param discovery where the pool's backends are discovered, or {@code null} when
 * {@code backends} lists them
 * @author smart-stick
 */
public record PoolDefinition(String name, String propertyPrefix, List<Backend> backends, String strategy,
		Cookie cookie, boolean strictFailover, boolean passive, HealthChecks healthChecks, Proxy proxy,
		List<String> paths, List<String> hosts, Integer order, List<String> filters, Discovery discovery) {

	/**
	 * Name of the pool described by the top-level settings, serving every request no other
	 * pool claims.
	 */
	public static final String DEFAULT_POOL = Backend.DEFAULT_POOL;

	public PoolDefinition {
		backends = List.copyOf(backends);
		paths = List.copyOf(paths);
		hosts = List.copyOf(hosts);
		filters = List.copyOf(filters);
	}

	/**
	 * Whether this is the pool described by the top-level settings, or by
	 * {@code smartstick.pools.default} when there are no top-level backends.
	 * @return {@code true} for the pool named {@value #DEFAULT_POOL}
	 */
	public boolean isDefault() {
		return DEFAULT_POOL.equals(this.name);
	}

	/**
	 * Whether the pool claims every request, having neither paths nor hosts. Only the
	 * default pool may.
	 * @return {@code true} if the pool has no predicate
	 */
	public boolean claimsEveryRequest() {
		return this.paths.isEmpty() && this.hosts.isEmpty();
	}

	/**
	 * Whether the pool's backends come from service discovery rather than from its
	 * configured list.
	 * @return {@code true} if discovered
	 */
	public boolean isDiscovered() {
		return this.discovery != null;
	}

	/**
	 * Where a pool's backends are discovered.
	 *
	 * @param serviceId service id whose instances are the pool's backends
	 * @param refreshInterval time between two look-ups besides those on heartbeats
	 * @param health health check settings of every discovered backend, unless its
	 * metadata gives its own path
	 */
	public record Discovery(String serviceId, Duration refreshInterval, HealthSettings health) {

	}

	/**
	 * Settings of a pool's sticky cookie.
	 *
	 * @param name name of the cookie, unique among the pools
	 * @param path Path attribute
	 * @param httpOnly whether the cookie is HttpOnly
	 * @param sameSite SameSite attribute value: {@code Strict}, {@code Lax} or {@code None}
	 * @param secure when the cookie gets the Secure attribute
	 * @param maxAge Max-Age, or {@code null} for a session cookie
	 * @param secret secret the value is signed with, or {@code null} for a plain backend id
	 * @param secrets every secret a value may be signed with, the one it is signed with
	 * first; empty for a plain backend id
	 */
	public record Cookie(String name, String path, boolean httpOnly, String sameSite, Secure secure,
			Duration maxAge, String secret, List<String> secrets) {

		/**
		 * Create the settings of a cookie signed with one secret at most.
		 * @param name name of the cookie, unique among the pools
		 * @param path Path attribute
		 * @param httpOnly whether the cookie is HttpOnly
		 * @param sameSite SameSite attribute value
		 * @param secure when the cookie gets the Secure attribute
		 * @param maxAge Max-Age, or {@code null} for a session cookie
		 * @param secret secret the value is signed with, or {@code null} for a plain
		 * backend id
		 */
		public Cookie(String name, String path, boolean httpOnly, String sameSite, Secure secure, Duration maxAge,
				String secret) {
			this(name, path, httpOnly, sameSite, secure, maxAge, secret,
					(secret != null && !secret.isEmpty()) ? List.of(secret) : List.of());
		}

		public Cookie {
			secrets = List.copyOf(secrets);
		}

		/**
		 * When the cookie gets the Secure attribute.
		 */
		public enum Secure {

			/**
			 * Secure when the request came over https, directly or as told by a trusted
			 * proxy.
			 */
			AUTO,

			/**
			 * Always Secure.
			 */
			ALWAYS,

			/**
			 * Never Secure.
			 */
			NEVER

		}

	}

	/**
	 * Settings of a pool's active health checks. Each backend's own check settings (path,
	 * method, algorithm, timeout, headers, rise and fall) are in its
	 * {@link Backend#healthSettings()}, already resolved against these.
	 *
	 * @param enabled whether the pool's backends are checked actively
	 * @param interval time between two check rounds
	 * @param timeout time a check may take, unless a backend sets its own
	 * @param rise consecutive successes that bring a backend up, unless it sets its own
	 * @param fall consecutive failures that take a backend down, unless it sets its own
	 * @param maxConcurrentChecks maximum checks of the pool in flight at once, or
	 * {@code null} for no limit
	 */
	public record HealthChecks(boolean enabled, Duration interval, Duration timeout, int rise, int fall,
			Integer maxConcurrentChecks) {

	}

	/**
	 * Settings of a pool's proxied requests.
	 *
	 * @param connectTimeout time allowed to open a connection to a backend
	 * @param responseTimeout time allowed for a backend to answer
	 * @param retries times a failed request is retried on another healthy backend
	 */
	public record Proxy(Duration connectTimeout, Duration responseTimeout, int retries, Duration websocketIdleTimeout) {

	}

}
