package io.smartstick.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.smartstick.balancer.Backend;

import org.springframework.boot.context.properties.bind.Binder;

/**
 * Validates the pools of {@link SmartStickProperties} and turns each into a
 * {@link PoolDefinition}: the default pool from the top-level settings when top-level
 * backends exist, then every {@code smartstick.pools.<name>}, whose unset settings fall
 * back to the top-level ones. Every problem is collected and reported at once, each
 * naming the property and the fix.
 *
 * @author smart-stick
 */
public final class PoolDefinitions {

	private PoolDefinitions() {
	}

	/**
	 * Validate every pool and create its definition. A pool's backends are registered
	 * under the service id {@code smartstick-<name>}.
	 * @param properties the bound properties
	 * @param binder the binder the properties were bound with, to tell the settings a pool
	 * sets from those it inherits
	 * @param strategyNames names of every available balancing strategy
	 * @return the pools: the default one first if there is one, then the others by
	 * {@code order} (unset counting as 0), equal orders in configuration order
	 * @throws InvalidConfigurationException if anything is wrong
	 */
	public static List<PoolDefinition> create(SmartStickProperties properties, Binder binder,
			Collection<String> strategyNames) {
		return create(properties, binder, strategyNames, null, (name) -> "smartstick-" + name);
	}

	/**
	 * Validate every pool and create its definition.
	 * @param properties the bound properties
	 * @param binder the binder the properties were bound with, to tell the settings a pool
	 * sets from those it inherits
	 * @param strategyNames names of every available balancing strategy
	 * @param healthCheckNames names of every HealthCheck bean, to check the names given by
	 * {@code health.check} and {@code backends[i].health-check}, or {@code null} to leave
	 * them unchecked
	 * @param serviceIds gives the service id a pool's backends are registered under, from
	 * the pool's name
	 * @return the pools: the default one first if there is one, then the others by
	 * {@code order} (unset counting as 0), equal orders in configuration order
	 * @throws InvalidConfigurationException if anything is wrong
	 */
	public static List<PoolDefinition> create(SmartStickProperties properties, Binder binder,
			Collection<String> strategyNames, Collection<String> healthCheckNames,
			Function<String, String> serviceIds) {
		List<ConfigurationViolation> violations = new ArrayList<>();
		BackendDefinitions.checkGlobal(properties, strategyNames, healthCheckNames, violations);
		boolean topLevel = !properties.getBackends().isEmpty() || properties.getDiscovery().getServiceId() != null;
		List<PoolDefinition> pools = new ArrayList<>();
		if (topLevel) {
			pools.add(defaultPool(properties, healthCheckNames, serviceIds.apply(PoolDefinition.DEFAULT_POOL),
					violations));
		}
		else if (properties.getPools().isEmpty()) {
			violations.add(BackendDefinitions.noBackends());
		}
		List<PoolDefinition> named = new ArrayList<>();
		properties.getPools()
			.forEach((name, pool) -> named.add(new PoolResolver(properties, binder, name, pool, violations)
				.resolve(topLevel, strategyNames, healthCheckNames, serviceIds.apply(name))));
		named.sort(Comparator.comparing((PoolDefinition pool) -> !pool.isDefault())
			.thenComparing((pool) -> (pool.order() != null) ? pool.order() : 0));
		pools.addAll(named);
		checkPredicatesDiffer(pools, violations);
		checkCookiesDiffer(pools, violations);
		if (!violations.isEmpty()) {
			throw new InvalidConfigurationException(violations);
		}
		return pools;
	}

	private static PoolDefinition defaultPool(SmartStickProperties properties, Collection<String> healthCheckNames,
			String serviceId, List<ConfigurationViolation> violations) {
		List<Backend> backends = BackendDefinitions.backends(SmartStickProperties.PREFIX + ".backends",
				properties.getBackends(), properties.getHealth(), healthCheckNames, PoolDefinition.DEFAULT_POOL, serviceId,
				violations);
		PoolDefinition.Discovery discovery = BackendDefinitions.discovery(SmartStickProperties.PREFIX,
				properties.getBackends(), properties.getDiscovery(), properties.getHealth(), violations);
		return definition(PoolDefinition.DEFAULT_POOL, SmartStickProperties.PREFIX, backends, properties.getStrategy(),
				properties.getHealth(), properties.getSticky(), properties.getProxy(), new SmartStickProperties.Pool(),
				discovery);
	}

	/**
	 * Create a pool's definition from its resolved settings, even invalid ones, so that
	 * pools can be compared before the problems are reported.
	 */
	static PoolDefinition definition(String name, String prefix, List<Backend> backends, String strategy,
			SmartStickProperties.Health health, SmartStickProperties.Sticky sticky, SmartStickProperties.Proxy proxy,
			SmartStickProperties.Pool pool, PoolDefinition.Discovery discovery) {
		List<String> secrets = secrets(sticky);
		PoolDefinition.Cookie cookie = new PoolDefinition.Cookie(sticky.getCookieName(), sticky.getPath(),
				sticky.isHttpOnly(), sticky.getSameSite().attributeValue(),
				PoolDefinition.Cookie.Secure.valueOf(sticky.getSecure().name()), sticky.getMaxAge(), secrets.isEmpty() ? null : secrets.get(0), secrets);
		PoolDefinition.HealthChecks checks = new PoolDefinition.HealthChecks(health.isEnabled(), health.getInterval(),
				health.getTimeout(), health.getRise(), health.getFall(), health.getMaxConcurrentChecks());
		PoolDefinition.Proxy proxySettings = new PoolDefinition.Proxy(proxy.getConnectTimeout(),
				proxy.getResponseTimeout(), proxy.getRetries(), proxy.getWebsocketIdleTimeout());
		return new PoolDefinition(name, prefix, backends, strategy, cookie,
				sticky.getFailover() == SmartStickProperties.Sticky.Failover.STRICT, health.isPassive(), checks,
				proxySettings, trimmed(pool.getPaths()), trimmed(pool.getHosts()), pool.getOrder(),
				trimmed(pool.getFilters()), discovery);
	}

	/**
	 * Return the secrets a pool's cookie values are signed with, the signing one first.
	 * @param sticky the pool's sticky settings
	 * @return the secrets, empty for plain values
	 */
	public static List<String> secrets(SmartStickProperties.Sticky sticky) {
		if (sticky.getSecret() != null && !sticky.getSecret().isEmpty()) {
			return List.of(sticky.getSecret());
		}
		return sticky.getSecrets().stream().filter((secret) -> secret != null && !secret.isBlank()).toList();
	}

	private static List<String> trimmed(List<String> values) {
		return values.stream().map((value) -> (value != null) ? value.trim() : "").toList();
	}

	private static void checkPredicatesDiffer(List<PoolDefinition> pools, List<ConfigurationViolation> violations) {
		Map<List<Set<String>>, PoolDefinition> byPredicate = new HashMap<>();
		for (PoolDefinition pool : pools) {
			if (pool.claimsEveryRequest()) {
				continue;
			}
			Set<String> hosts = new HashSet<>();
			pool.hosts().forEach((host) -> hosts.add(host.toLowerCase(Locale.ROOT)));
			PoolDefinition first = byPredicate.putIfAbsent(List.of(new HashSet<>(pool.paths()), hosts), pool);
			if (first != null) {
				boolean byPaths = !pool.paths().isEmpty();
				violations.add(new ConfigurationViolation(pool.propertyPrefix() + (byPaths ? ".paths" : ".hosts"),
						String.join(",", byPaths ? pool.paths() : pool.hosts()),
						"claims the same requests as " + first.propertyPrefix() + ": same paths and same hosts",
						"Give one of the two pools other paths or hosts, or merge their backends into one pool."));
			}
		}
	}

	private static void checkCookiesDiffer(List<PoolDefinition> pools, List<ConfigurationViolation> violations) {
		Map<String, PoolDefinition> byCookie = new HashMap<>();
		for (PoolDefinition pool : pools) {
			String cookieName = pool.cookie().name();
			if (cookieName == null) {
				continue;
			}
			PoolDefinition first = byCookie.putIfAbsent(cookieName.toLowerCase(Locale.ROOT), pool);
			if (first != null) {
				violations.add(new ConfigurationViolation(pool.propertyPrefix() + ".sticky.cookie-name", cookieName,
						"is the cookie name of " + first.propertyPrefix() + " too",
						"Give every pool its own cookie so that a client can be pinned in several pools at once: "
								+ "leave it unset for the top-level cookie name followed by - and the pool's name, "
								+ "or choose another name."));
			}
		}
	}

}
