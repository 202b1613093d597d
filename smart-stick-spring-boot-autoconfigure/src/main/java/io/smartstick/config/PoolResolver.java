package io.smartstick.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.smartstick.balancer.Backend;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * Resolves and checks one {@code smartstick.pools.<name>}. Each setting is the pool's own
 * where the pool sets it and the top-level one otherwise; which is which is read through
 * the {@link Binder}, since the bound {@link SmartStickProperties.Pool}'s nested groups
 * hold their initializer defaults, not the inherited values.
 *
 * @author smart-stick
 */
final class PoolResolver {

	private static final String POOLS = SmartStickProperties.PREFIX + ".pools";

	private static final Pattern POOL_NAME = Pattern.compile("[A-Za-z0-9_-]+");

	private static final Pattern FILTER = Pattern.compile("[A-Za-z][A-Za-z0-9_]*(=(.*))?", Pattern.DOTALL);

	private static final String FILTER_FIX = "Write the filter's name, then = and its comma-separated arguments, "
			+ "such as StripPrefix=1 or AddRequestHeader=X-Pool,api.";

	private final SmartStickProperties properties;

	private final Binder binder;

	private final String name;

	private final SmartStickProperties.Pool pool;

	private final List<ConfigurationViolation> violations;

	/** Property prefix as shown to users. */
	private final String prefix;

	/** Property prefix as bound: the name as a map key, whatever its characters. */
	private final String bindPrefix;

	PoolResolver(SmartStickProperties properties, Binder binder, String name, SmartStickProperties.Pool pool,
			List<ConfigurationViolation> violations) {
		this.properties = properties;
		this.binder = binder;
		this.name = name;
		this.pool = pool;
		this.violations = violations;
		boolean plain = POOL_NAME.matcher(name).matches();
		this.prefix = plain ? POOLS + "." + name : POOLS + "[" + name + "]";
		this.bindPrefix = POOLS + "[" + name + "]";
	}

	/**
	 * Resolve the pool, reporting its problems; it is returned even when invalid so that
	 * pools can be compared with each other.
	 * @param topLevel whether top-level backends make a default pool already
	 * @param strategyNames names of every available balancing strategy
	 * @param healthCheckNames names of every HealthCheck bean, or {@code null} not to check
	 * the names the pool gives
	 * @param serviceId service id the pool's backends are registered under
	 * @return the pool
	 */
	PoolDefinition resolve(boolean topLevel, Collection<String> strategyNames, Collection<String> healthCheckNames,
			String serviceId) {
		checkName(topLevel);
		Predicate<String> configured = (property) -> isSet(this.bindPrefix + property);
		SmartStickProperties.Health health = health();
		SmartStickProperties.Sticky sticky = sticky(configured);
		SmartStickProperties.Proxy proxy = bind(".proxy", new SmartStickProperties.Proxy());
		BackendDefinitions.checkSettings(this.prefix, health, sticky, proxy, configured, healthCheckNames,
				this.violations);
		checkServerWide(configured);
		String strategy = this.pool.getStrategy();
		if (strategy != null) {
			BackendDefinitions.checkStrategy(this.prefix + ".strategy", strategy, strategyNames, this.violations);
		}
		else {
			strategy = this.properties.getStrategy();
		}
		checkPredicates();
		checkFilters();
		PoolDefinition.Discovery discovery = BackendDefinitions.discovery(this.prefix, this.pool.getBackends(),
				this.pool.getDiscovery(), health, this.violations);
		if (this.pool.getBackends().isEmpty() && discovery == null) {
			this.violations.add(new ConfigurationViolation(this.prefix + ".backends", null,
					"is empty: the pool has no backend",
					"Add at least one backend, for example " + this.prefix + ".backends[0].id=0 and " + this.prefix
							+ ".backends[0].url=http://localhost:5000, set " + this.prefix
							+ ".discovery.service-id to take them from service discovery, or remove the pool."));
		}
		List<Backend> backends = BackendDefinitions.backends(this.prefix + ".backends", this.pool.getBackends(),
				health, healthCheckNames, this.name, serviceId, this.violations);
		return PoolDefinitions.definition(this.name, this.prefix, backends, strategy, health, sticky, proxy, this.pool,
				discovery);
	}

	private void checkName(boolean topLevel) {
		if (!POOL_NAME.matcher(this.name).matches()) {
			this.violations.add(new ConfigurationViolation(this.prefix, this.name, "is not a usable pool name",
					"Use letters, digits, - and _ only, such as api or chat_servers: the name is part of the "
							+ "pool's route id and of its cookie name."));
		}
		if (PoolDefinition.DEFAULT_POOL.equals(this.name) && topLevel) {
			this.violations.add(new ConfigurationViolation(this.prefix, null,
					"configures the default pool, which smartstick.backends configures already",
					"Rename the pool, or move the top-level backends into " + this.prefix + ".backends."));
		}
	}

	/**
	 * The top-level health settings, overridden by those the pool sets. Health check
	 * headers set by the pool replace the top-level ones, as a backend's do.
	 */
	private SmartStickProperties.Health health() {
		SmartStickProperties.Health health = new SmartStickProperties.Health();
		this.binder.bind(SmartStickProperties.PREFIX + ".health", Bindable.ofInstance(health));
		if (this.binder.bind(this.bindPrefix + ".health.headers", Bindable.mapOf(String.class, String.class))
			.isBound()) {
			health.setHeaders(new LinkedHashMap<>());
		}
		this.binder.bind(this.bindPrefix + ".health", Bindable.ofInstance(health));
		return health;
	}

	/**
	 * The top-level sticky settings, overridden by those the pool sets. A pool other
	 * than the default one has its own cookie name unless it sets one.
	 */
	private SmartStickProperties.Sticky sticky(Predicate<String> configured) {
		SmartStickProperties.Sticky sticky = new SmartStickProperties.Sticky();
		this.binder.bind(SmartStickProperties.PREFIX + ".sticky", Bindable.ofInstance(sticky));
		if (!PoolDefinition.DEFAULT_POOL.equals(this.name) && !configured.test(".sticky.cookie-name")) {
			sticky.setCookieName(sticky.getCookieName() + "-" + this.name);
		}
		if (configured.test(".sticky.secret") || isSet(this.bindPrefix + ".sticky.secrets[0]")
				|| configured.test(".sticky.secrets")) {
			// the pool's own secret or secrets replace both inherited forms
			sticky.setSecret(null);
			sticky.setSecrets(new ArrayList<>());
		}
		this.binder.bind(this.bindPrefix + ".sticky", Bindable.ofInstance(sticky));
		return sticky;
	}

	private <T> T bind(String group, T settings) {
		this.binder.bind(SmartStickProperties.PREFIX + group, Bindable.ofInstance(settings));
		this.binder.bind(this.bindPrefix + group, Bindable.ofInstance(settings));
		return settings;
	}

	private boolean isSet(String property) {
		return this.binder.bind(property, Bindable.of(String.class)).isBound();
	}

	private void checkServerWide(Predicate<String> configured) {
		if (configured.test(".proxy.request-header-timeout")) {
			this.violations.add(new ConfigurationViolation(this.prefix + ".proxy.request-header-timeout", null,
					"cannot be set per pool: it applies to every connection, before any pool is chosen",
					"Set smartstick.proxy.request-header-timeout instead."));
		}
		if (configured.test(".sticky.trusted-proxies")) {
			this.violations.add(new ConfigurationViolation(this.prefix + ".sticky.trusted-proxies", null,
					"cannot be set per pool: forwarding headers are handled before any pool is chosen",
					"Set smartstick.sticky.trusted-proxies instead."));
		}
	}

	private void checkPredicates() {
		boolean isDefault = PoolDefinition.DEFAULT_POOL.equals(this.name);
		if (!isDefault && this.pool.getPaths().isEmpty() && this.pool.getHosts().isEmpty()) {
			this.violations.add(new ConfigurationViolation(this.prefix, null,
					"claims no request: it has neither paths nor hosts",
					"Set " + this.prefix + ".paths (such as /api/**) or " + this.prefix
							+ ".hosts (such as api.example.com), or both; only the default pool serves every "
							+ "request no other pool claims."));
		}
		List<String> paths = this.pool.getPaths();
		for (int i = 0; i < paths.size(); i++) {
			checkPathPattern(this.prefix + ".paths[" + i + "]", paths.get(i));
		}
		List<String> hosts = this.pool.getHosts();
		for (int i = 0; i < hosts.size(); i++) {
			checkHostPattern(this.prefix + ".hosts[" + i + "]", hosts.get(i));
		}
	}

	private void checkPathPattern(String property, String path) {
		String fix = "Use a Gateway path pattern starting with /, such as /api/** or /users/{id}.";
		if (path == null || path.isBlank()) {
			this.violations.add(new ConfigurationViolation(property, path, "is empty", fix));
			return;
		}
		if (!path.trim().startsWith("/")) {
			this.violations.add(new ConfigurationViolation(property, path, "does not start with /", fix));
			return;
		}
		try {
			PathPatternParser.defaultInstance.parse(path.trim());
		}
		catch (PatternParseException ex) {
			this.violations.add(new ConfigurationViolation(property, path,
					"is not a valid path pattern (" + ex.getMessage() + ")", fix));
		}
	}

	private void checkHostPattern(String property, String host) {
		String fix = "Use a host name pattern without scheme or path, such as shop.example.com or "
				+ "**.example.com.";
		if (host == null || host.isBlank()) {
			this.violations.add(new ConfigurationViolation(property, host, "is empty", fix));
		}
		else if (host.trim().chars().anyMatch((c) -> c == '/' || Character.isWhitespace(c))) {
			this.violations.add(new ConfigurationViolation(property, host, "is not a host pattern", fix));
		}
	}

	private void checkFilters() {
		List<String> filters = this.pool.getFilters();
		for (int i = 0; i < filters.size(); i++) {
			String property = this.prefix + ".filters[" + i + "]";
			String filter = filters.get(i);
			if (filter == null || filter.isBlank()) {
				this.violations.add(new ConfigurationViolation(property, filter, "is empty",
						"Give a Gateway filter in shortcut form, such as StripPrefix=1, or remove the entry."));
				continue;
			}
			Matcher matcher = FILTER.matcher(filter.trim());
			if (!matcher.matches()) {
				this.violations.add(new ConfigurationViolation(property, filter,
						"is not a Gateway filter definition (Name or Name=arguments)", FILTER_FIX));
			}
			else if (matcher.group(1) != null && matcher.group(2).isBlank()) {
				this.violations.add(
						new ConfigurationViolation(property, filter, "has = but no arguments", FILTER_FIX));
			}
		}
	}

}
