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
	 * Validate the properties and create the backends.
	 * @param properties the bound properties
	 * @param serviceId service id the backends are registered under
	 * @param strategyNames names of every available balancing strategy
	 * @return the backends, in configuration order
	 * @throws InvalidConfigurationException if anything is wrong
	 */
	public static List<Backend> create(SmartStickProperties properties, String serviceId,
			Collection<String> strategyNames) {
		List<ConfigurationViolation> violations = new ArrayList<>();
		checkGlobal(properties, strategyNames, violations);
		List<Backend> backends = new ArrayList<>();
		Map<Integer, Integer> indexById = new HashMap<>();
		List<SmartStickProperties.Backend> configured = properties.getBackends();
		if (configured.isEmpty()) {
			violations.add(new ConfigurationViolation(BACKENDS, null, "is empty: no backend is configured",
					"Add at least one backend, for example smartstick.backends[0].id=0 and "
							+ "smartstick.backends[0].url=http://localhost:5000, or point "
							+ "smartstick.config-file at a config.json that lists backends."));
		}
		for (int i = 0; i < configured.size(); i++) {
			Backend backend = backend(properties, serviceId, i, configured.get(i), violations);
			if (backend != null) {
				Integer previous = indexById.putIfAbsent(backend.id(), i);
				if (previous != null) {
					violations.add(new ConfigurationViolation(BACKENDS + "[" + i + "].id", backend.idValue(),
							"duplicates the id of " + BACKENDS + "[" + previous + "]",
							"Give every backend a unique id."));
				}
				else {
					backends.add(backend);
				}
			}
		}
		if (!violations.isEmpty()) {
			throw new InvalidConfigurationException(violations);
		}
		return backends;
	}

	private static void checkGlobal(SmartStickProperties properties, Collection<String> strategyNames,
			List<ConfigurationViolation> violations) {
		String prefix = SmartStickProperties.PREFIX;
		if (!strategyNames.contains(properties.getStrategy())) {
			violations.add(new ConfigurationViolation(prefix + ".strategy", properties.getStrategy(),
					"is not a known balancing strategy",
					"Use one of " + String.join(", ", strategyNames) + "."));
		}
		SmartStickProperties.Health health = properties.getHealth();
		checkPositive(prefix + ".health.interval", health.getInterval(), violations);
		checkPositive(prefix + ".health.timeout", health.getTimeout(), violations);
		checkPath(prefix + ".health.path", health.getPath(), violations);
		checkMethod(prefix + ".health.method", health.getMethod(), violations);
		checkAlgorithm(prefix + ".health.algorithm", health.getAlgorithm(), violations);
		checkAtLeastOne(prefix + ".health.rise", health.getRise(), violations);
		checkAtLeastOne(prefix + ".health.fall", health.getFall(), violations);
		if (health.getMaxConcurrentChecks() != null && health.getMaxConcurrentChecks() < 1) {
			violations.add(new ConfigurationViolation(prefix + ".health.max-concurrent-checks",
					health.getMaxConcurrentChecks(), "must be at least 1",
					"Use a positive number such as 64 (checks beyond it wait for a free slot), or leave it unset for "
							+ "no limit."));
		}
		if (properties.getProxy().getRetries() < 0) {
			violations.add(new ConfigurationViolation(prefix + ".proxy.retries", properties.getProxy().getRetries(),
					"is negative", "Use 0 to never retry, or a small number such as 2."));
		}
		checkPositive(prefix + ".proxy.connect-timeout", properties.getProxy().getConnectTimeout(), violations);
		checkPositive(prefix + ".proxy.response-timeout", properties.getProxy().getResponseTimeout(), violations);
		checkPositive(prefix + ".proxy.request-header-timeout", properties.getProxy().getRequestHeaderTimeout(),
				violations);
		Duration idle = properties.getProxy().getWebsocketIdleTimeout();
		if (idle != null && (idle.isZero() || idle.isNegative())) {
			violations.add(new ConfigurationViolation(prefix + ".proxy.websocket-idle-timeout", idle,
					"must be positive", "Use a positive duration such as 1h, or leave it unset to keep idle WebSocket "
							+ "tunnels open."));
		}
		String cookieName = properties.getSticky().getCookieName();
		if (cookieName == null || !COOKIE_NAME.matcher(cookieName).matches()) {
			violations.add(new ConfigurationViolation(prefix + ".sticky.cookie-name", cookieName,
					"is not a valid cookie name", "Use letters, digits and - _ . only, for example X-Backend-ID."));
		}
		if (properties.getSticky().getMaxAge() != null && properties.getSticky().getMaxAge().isNegative()) {
			violations.add(new ConfigurationViolation(prefix + ".sticky.max-age", properties.getSticky().getMaxAge(),
					"is negative", "Use a positive duration, or leave it unset for a session cookie."));
		}
		if (properties.getStatus().isEnabled()) {
			checkPath(prefix + ".status.path", properties.getStatus().getPath(), violations);
		}
	}

	private static Backend backend(SmartStickProperties properties, String serviceId, int index,
			SmartStickProperties.Backend configured, List<ConfigurationViolation> violations) {
		String prefix = BACKENDS + "[" + index + "].";
		int errors = violations.size();
		int id = parseId(prefix + "id", configured.getId(), violations);
		URI url = parseUrl(prefix + "url", configured.getUrl(), violations);
		if (configured.getWeight() < 0) {
			violations.add(new ConfigurationViolation(prefix + "weight", configured.getWeight(), "is negative",
					"Use a weight of 1 or more, or 0 to drain the backend (no new clients, sticky ones stay)."));
		}
		SmartStickProperties.Health global = properties.getHealth();
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
		return new Backend(serviceId, id, url, configured.getWeight(), configured.getOwner(), health,
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
