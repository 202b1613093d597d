package io.smartstick.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.HealthSettings;

/**
 * Validates {@link SmartStickProperties} and turns its backend list into
 * {@link Backend backends}, their health settings resolved against the global ones. Every
 * problem is collected and reported at once, each naming the property and the fix.
 *
 * @author smart-stick
 */
public final class BackendDefinitions {

	private static final Pattern COOKIE_NAME = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

	private static final String BACKENDS = SmartStickProperties.PREFIX + ".backends";

	private BackendDefinitions() {
	}

	/**
	 * Validate the top-level properties and create the backends of the default pool,
	 * ignoring {@code smartstick.pools}. {@link PoolDefinitions} validates and creates
	 * every pool.
	 * @param properties the bound properties
	 * @param serviceId service id the backends are registered under
	 * @param strategyNames names of every available balancing strategy
	 * @return the backends, in configuration order
	 * @throws InvalidConfigurationException if anything is wrong
	 */
	public static List<Backend> create(SmartStickProperties properties, String serviceId,
			Collection<String> strategyNames) {
		List<ConfigurationViolation> violations = new ArrayList<>();
		checkGlobal(properties, strategyNames, null, violations);
		if (properties.getBackends().isEmpty()) {
			violations.add(noBackends());
		}
		List<Backend> backends = backends(BACKENDS, properties.getBackends(), properties.getHealth(), null,
				PoolDefinition.DEFAULT_POOL, serviceId, violations);
		if (!violations.isEmpty()) {
			throw new InvalidConfigurationException(violations);
		}
		return backends;
	}

	/**
	 * The problem of a configuration without any backend.
	 */
	static ConfigurationViolation noBackends() {
		return new ConfigurationViolation(BACKENDS, null, "is empty: no backend is configured",
				"Add at least one backend, for example smartstick.backends[0].id=0 and "
						+ "smartstick.backends[0].url=http://localhost:5000, set smartstick.discovery.service-id to "
						+ "take them from service discovery, or point smartstick.config-file at a config.json "
						+ "that lists backends.");
	}

	/**
	 * Create the backends of one pool, each checked and its health settings resolved
	 * against the pool's; an invalid or duplicate backend is reported, not returned.
	 * @param property the pool's backends property, such as {@code smartstick.backends}
	 * @param healthCheckNames names of every HealthCheck bean, or {@code null} not to
	 * check the names backends give
	 */
	static List<Backend> backends(String property, List<SmartStickProperties.Backend> configured,
			SmartStickProperties.Health poolHealth, Collection<String> healthCheckNames, String pool, String serviceId,
			List<ConfigurationViolation> violations) {
		List<Backend> backends = new ArrayList<>();
		Map<Integer, Integer> indexById = new HashMap<>();
		for (int i = 0; i < configured.size(); i++) {
			Backend backend = backend(property + "[" + i + "].", poolHealth, healthCheckNames, pool, serviceId,
					configured.get(i), violations);
			if (backend != null) {
				Integer previous = indexById.putIfAbsent(backend.id(), i);
				if (previous != null) {
					violations.add(new ConfigurationViolation(property + "[" + i + "].id", backend.idValue(),
							"duplicates the id of " + property + "[" + previous + "]",
							"Give every backend a unique id."));
				}
				else {
					backends.add(backend);
				}
			}
		}
		return backends;
	}

	/**
	 * Check the top-level settings, which every pool falls back to.
	 * @param healthCheckNames names of every HealthCheck bean, or {@code null} not to
	 * check smartstick.health.check
	 */
	static void checkGlobal(SmartStickProperties properties, Collection<String> strategyNames,
			Collection<String> healthCheckNames, List<ConfigurationViolation> violations) {
		String prefix = SmartStickProperties.PREFIX;
		checkStrategy(prefix + ".strategy", properties.getStrategy(), strategyNames, violations);
		checkSettings(prefix, properties.getHealth(), properties.getSticky(), properties.getProxy(),
				(property) -> true, healthCheckNames, violations);
		checkPositive(prefix + ".proxy.request-header-timeout", properties.getProxy().getRequestHeaderTimeout(),
				violations);
		if (properties.getStatus().isEnabled()) {
			checkPath(prefix + ".status.path", properties.getStatus().getPath(), violations);
		}
		checkPositive(prefix + ".drain-timeout", properties.getDrainTimeout(), violations);
		checkPositive(prefix + ".reload.interval", properties.getReload().getInterval(), violations);
		if (properties.getDashboard().isEnabled()) {
			checkDashboardPath(prefix + ".dashboard.path", properties.getDashboard().getPath(), violations);
			checkPositive(prefix + ".dashboard.slow-client-timeout", properties.getDashboard().getSlowClientTimeout(),
					violations);
		}
	}

	/**
	 * Check that a pool takes its backends from one source only, and return its discovery
	 * settings.
	 * @param prefix the pool's property prefix
	 * @param backends the pool's configured backends
	 * @param discovery the pool's discovery settings
	 * @param health the pool's health settings, every discovered backend's unless its
	 * metadata gives its own path
	 * @return the discovery settings, or {@code null} when the pool lists its backends
	 */
	static PoolDefinition.Discovery discovery(String prefix, List<SmartStickProperties.Backend> backends,
			SmartStickProperties.Discovery discovery, SmartStickProperties.Health health,
			List<ConfigurationViolation> violations) {
		String serviceId = discovery.getServiceId();
		if (serviceId == null) {
			return null;
		}
		if (serviceId.isBlank()) {
			violations.add(new ConfigurationViolation(prefix + ".discovery.service-id", serviceId, "is empty",
					"Give the service id the backends are registered under, or remove the property."));
			return null;
		}
		if (!backends.isEmpty()) {
			violations.add(new ConfigurationViolation(prefix + ".discovery.service-id", serviceId,
					"is set together with " + prefix + ".backends",
					"Take the pool's backends from one source: remove " + prefix + ".backends to use service "
							+ "discovery, or remove " + prefix + ".discovery.service-id to list them."));
		}
		checkPositive(prefix + ".discovery.refresh-interval", discovery.getRefreshInterval(), violations);
		HealthSettings template = new HealthSettings(health.getPath(), upper(health.getMethod()),
				lower(health.getAlgorithm()), health.getTimeout(),
				Collections.unmodifiableMap(new LinkedHashMap<>(health.getHeaders())), health.getCheck(),
				health.getRise(), health.getFall());
		return new PoolDefinition.Discovery(serviceId.trim(), discovery.getRefreshInterval(), template);
	}

	static void checkStrategy(String property, String strategy, Collection<String> strategyNames,
			List<ConfigurationViolation> violations) {
		if (!strategyNames.contains(strategy)) {
			violations.add(new ConfigurationViolation(property, strategy, "is not a known balancing strategy",
					"Use one of " + String.join(", ", strategyNames) + "."));
		}
	}

	/**
	 * Check a pool's health, sticky and proxy settings.
	 * @param prefix the pool's property prefix, such as {@code smartstick}
	 * @param configured whether a property, given relative to the prefix (such as
	 * {@code .health.rise}), is set for the pool itself: only those are checked, the others
	 * being checked where they are set
	 * @param healthCheckNames names of every HealthCheck bean, or {@code null} not to
	 * check the name of the pool's health check
	 */
	static void checkSettings(String prefix, SmartStickProperties.Health health, SmartStickProperties.Sticky sticky,
			SmartStickProperties.Proxy proxy, Predicate<String> configured, Collection<String> healthCheckNames,
			List<ConfigurationViolation> violations) {
		if (configured.test(".health.check")) {
			checkHealthCheck(prefix + ".health.check", health.getCheck(), healthCheckNames, violations);
		}
		if (configured.test(".health.interval")) {
			checkPositive(prefix + ".health.interval", health.getInterval(), violations);
		}
		if (configured.test(".health.timeout")) {
			checkPositive(prefix + ".health.timeout", health.getTimeout(), violations);
		}
		if (configured.test(".health.path")) {
			checkPath(prefix + ".health.path", health.getPath(), violations);
		}
		if (configured.test(".health.method")) {
			checkMethod(prefix + ".health.method", health.getMethod(), violations);
		}
		if (configured.test(".health.algorithm")) {
			checkAlgorithm(prefix + ".health.algorithm", health.getAlgorithm(), violations);
		}
		if (configured.test(".health.rise")) {
			checkAtLeastOne(prefix + ".health.rise", health.getRise(), violations);
		}
		if (configured.test(".health.fall")) {
			checkAtLeastOne(prefix + ".health.fall", health.getFall(), violations);
		}
		if (configured.test(".health.max-concurrent-checks") && health.getMaxConcurrentChecks() != null
				&& health.getMaxConcurrentChecks() < 1) {
			violations.add(new ConfigurationViolation(prefix + ".health.max-concurrent-checks",
					health.getMaxConcurrentChecks(), "must be at least 1",
					"Use a positive number such as 64 (checks beyond it wait for a free slot), or leave it unset for "
							+ "no limit."));
		}
		if (configured.test(".proxy.retries") && proxy.getRetries() < 0) {
			violations.add(new ConfigurationViolation(prefix + ".proxy.retries", proxy.getRetries(), "is negative",
					"Use 0 to never retry, or a small number such as 2."));
		}
		if (configured.test(".proxy.connect-timeout")) {
			checkPositive(prefix + ".proxy.connect-timeout", proxy.getConnectTimeout(), violations);
		}
		if (configured.test(".proxy.response-timeout")) {
			checkPositive(prefix + ".proxy.response-timeout", proxy.getResponseTimeout(), violations);
		}
		Duration idle = proxy.getWebsocketIdleTimeout();
		if (configured.test(".proxy.websocket-idle-timeout") && idle != null && (idle.isZero() || idle.isNegative())) {
			violations.add(new ConfigurationViolation(prefix + ".proxy.websocket-idle-timeout", idle,
					"must be positive", "Use a positive duration such as 1h, or leave it unset to keep idle WebSocket "
							+ "tunnels open."));
		}
		String cookieName = sticky.getCookieName();
		if (configured.test(".sticky.cookie-name")
				&& (cookieName == null || !COOKIE_NAME.matcher(cookieName).matches())) {
			violations.add(new ConfigurationViolation(prefix + ".sticky.cookie-name", cookieName,
					"is not a valid cookie name", "Use letters, digits and - _ . only, for example X-Backend-ID."));
		}
		if (configured.test(".sticky.max-age") && sticky.getMaxAge() != null && sticky.getMaxAge().isNegative()) {
			violations.add(new ConfigurationViolation(prefix + ".sticky.max-age", sticky.getMaxAge(), "is negative",
					"Use a positive duration, or leave it unset for a session cookie."));
		}
		checkSecrets(prefix, sticky, violations);
	}

	private static void checkSecrets(String prefix, SmartStickProperties.Sticky sticky,
			List<ConfigurationViolation> violations) {
		List<String> secrets = sticky.getSecrets();
		if (sticky.getSecret() != null && !sticky.getSecret().isEmpty() && !secrets.isEmpty()) {
			violations.add(new ConfigurationViolation(prefix + ".sticky.secret", "(hidden)",
					"is set together with " + prefix + ".sticky.secrets",
					"Set only one: " + prefix + ".sticky.secrets for a list (the first signs, every one is accepted), "
							+ "or " + prefix + ".sticky.secret for one secret."));
		}
		for (int i = 0; i < secrets.size(); i++) {
			if (secrets.get(i) == null || secrets.get(i).isBlank()) {
				violations.add(new ConfigurationViolation(prefix + ".sticky.secrets[" + i + "]", secrets.get(i),
						"is empty", "Give every secret a value, or remove the entry."));
			}
		}
	}

	private static Backend backend(String prefix, SmartStickProperties.Health global,
			Collection<String> healthCheckNames, String pool, String serviceId, SmartStickProperties.Backend configured,
			List<ConfigurationViolation> violations) {
		int errors = violations.size();
		checkHealthCheck(prefix + "health-check", configured.getHealthCheck(), healthCheckNames, violations);
		int id = parseId(prefix + "id", configured.getId(), violations);
		URI url = parseUrl(prefix + "url", configured.getUrl(), violations);
		if (configured.getWeight() < 0) {
			violations.add(new ConfigurationViolation(prefix + "weight", configured.getWeight(), "is negative",
					"Use a weight of 1 or more, or 0 to drain the backend (no new clients, sticky ones stay)."));
		}
		String path = or(configured.getHealthPath(), global.getPath());
		String method = or(configured.getHealthMethod(), global.getMethod());
		String algorithm = or(configured.getHealthAlgorithm(), global.getAlgorithm());
		Duration timeout = or(configured.getHealthTimeout(), global.getTimeout());
		if (configured.getHealthPath() != null) {
			checkPath(prefix + "health-path", path, violations);
		}
		if (configured.getHealthMethod() != null) {
			checkMethod(prefix + "health-method", method, violations);
		}
		if (configured.getHealthAlgorithm() != null) {
			checkAlgorithm(prefix + "health-algorithm", algorithm, violations);
		}
		if (configured.getHealthTimeout() != null) {
			checkPositive(prefix + "health-timeout", timeout, violations);
		}
		int rise = or(configured.getHealthRise(), global.getRise());
		int fall = or(configured.getHealthFall(), global.getFall());
		if (configured.getHealthRise() != null) {
			checkAtLeastOne(prefix + "health-rise", rise, violations);
		}
		if (configured.getHealthFall() != null) {
			checkAtLeastOne(prefix + "health-fall", fall, violations);
		}
		if (violations.size() > errors) {
			return null;
		}
		Map<String, String> headers = configured.getHealthHeaders().isEmpty() ? global.getHeaders()
				: configured.getHealthHeaders();
		HealthSettings health = new HealthSettings(path, upper(method), lower(algorithm), timeout,
				Collections.unmodifiableMap(new LinkedHashMap<>(headers)), or(configured.getHealthCheck(), global.getCheck()),
				rise, fall);
		return new Backend(pool, serviceId, id, url, configured.getWeight(), configured.getOwner(), health,
				configured.getState());
	}

	private static int parseId(String property, String value, List<ConfigurationViolation> violations) {
		String fix = "Set it to a unique non-negative integer, such as 0.";
		if (value == null || value.isBlank()) {
			violations.add(new ConfigurationViolation(property, null, "is missing", fix));
			return -1;
		}
		String trimmed = value.trim();
		if (trimmed.matches("0|[1-9][0-9]{0,9}")) {
			long id = Long.parseLong(trimmed);
			if (id <= Integer.MAX_VALUE) {
				return (int) id;
			}
		}
		violations.add(new ConfigurationViolation(property, value, "is not a non-negative integer", fix));
		return -1;
	}

	private static URI parseUrl(String property, String value, List<ConfigurationViolation> violations) {
		String fix = "Set it to the backend's base URL, such as http://localhost:5000.";
		if (value == null || value.isBlank()) {
			violations.add(new ConfigurationViolation(property, null, "is missing", fix));
			return null;
		}
		URI url;
		try {
			url = new URI(value.trim());
		}
		catch (URISyntaxException ex) {
			violations.add(new ConfigurationViolation(property, value, "is not a valid URL (" + ex.getReason() + ")",
					fix));
			return null;
		}
		String scheme = (url.getScheme() != null) ? url.getScheme().toLowerCase(Locale.ROOT) : null;
		if (!"http".equals(scheme) && !"https".equals(scheme)) {
			violations.add(new ConfigurationViolation(property, value, "does not use http or https", fix));
			return null;
		}
		if (url.getHost() == null || url.getHost().isEmpty()) {
			violations.add(new ConfigurationViolation(property, value, "has no host", fix));
			return null;
		}
		if (url.getRawQuery() != null || url.getRawFragment() != null || url.getRawUserInfo() != null) {
			violations.add(new ConfigurationViolation(property, value,
					"must not have user info, a query or a fragment", fix));
			return null;
		}
		return url;
	}

	private static void checkHealthCheck(String property, String name, Collection<String> healthCheckNames,
			List<ConfigurationViolation> violations) {
		if (name != null && healthCheckNames != null && !healthCheckNames.contains(name)) {
			String known = healthCheckNames.isEmpty() ? "none is defined"
					: "defined: " + String.join(", ", new TreeSet<>(healthCheckNames));
			violations.add(new ConfigurationViolation(property, name, "does not name a HealthCheck bean (" + known + ")",
					"Define a @Bean of type io.smartstick.health.HealthCheck with that name, or fix the name."));
		}
	}

	private static void checkPositive(String property, Duration value, List<ConfigurationViolation> violations) {
		if (value == null || value.isZero() || value.isNegative()) {
			violations.add(new ConfigurationViolation(property, value, "must be positive",
					"Use a positive duration: plain milliseconds (2000) or a duration such as 2s."));
		}
	}

	private static void checkAtLeastOne(String property, int value, List<ConfigurationViolation> violations) {
		if (value < 1) {
			violations.add(new ConfigurationViolation(property, value, "must be at least 1",
					"Use 1 to react to the first result, or more to ignore short flaps."));
		}
	}

	private static void checkPath(String property, String value, List<ConfigurationViolation> violations) {
		if (value == null || !value.startsWith("/")) {
			violations.add(new ConfigurationViolation(property, value, "does not start with /",
					"Use an absolute path such as /health."));
		}
	}

	private static void checkDashboardPath(String property, String value, List<ConfigurationViolation> violations) {
		if (value == null || !value.startsWith("/")) {
			violations.add(new ConfigurationViolation(property, value, "does not start with /",
					"Use an absolute path such as /_lb/."));
		}
		else if (value.replace("/", "").isEmpty()) {
			violations.add(new ConfigurationViolation(property, value,
					"would keep every path from being proxied (the dashboard's path and all below it are served "
							+ "locally)",
					"Use a path of its own such as /_lb/, or set smartstick.dashboard.enabled=false."));
		}
		else if (!value.endsWith("/")) {
			violations.add(new ConfigurationViolation(property, value, "does not end with /",
					"Use " + value + "/ (the page's script and event stream are served below it)."));
		}
	}

	private static void checkMethod(String property, String value, List<ConfigurationViolation> violations) {
		if (value == null || !HealthOptions.METHODS.contains(upper(value))) {
			violations.add(new ConfigurationViolation(property, value, "is not a supported HTTP method",
					"Use one of " + String.join(", ", HealthOptions.METHODS) + "."));
		}
	}

	private static void checkAlgorithm(String property, String value, List<ConfigurationViolation> violations) {
		if (value == null || !HealthOptions.ALGORITHMS.contains(lower(value))) {
			violations.add(new ConfigurationViolation(property, value, "is not a known health algorithm",
					"Use \"http\" (any answer is healthy) or \"http-status\" (only 2xx is healthy)."));
		}
	}

	private static <T> T or(T value, T fallback) {
		return (value != null) ? value : fallback;
	}

	private static String upper(String value) {
		return (value != null) ? value.trim().toUpperCase(Locale.ROOT) : null;
	}

	private static String lower(String value) {
		return (value != null) ? value.trim().toLowerCase(Locale.ROOT) : null;
	}

}
