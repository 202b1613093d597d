package io.smartstick.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.MembershipChange;
import io.smartstick.balancer.Pool;
import io.smartstick.balancer.Pools;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * Applies a changed configuration's backends to the running pools, all or nothing: the
 * whole configuration is bound and validated with the same code as at start-up, and only
 * when every pool is valid is each pool's new backend list applied (one new registry
 * snapshot per pool). An invalid configuration is rejected as a whole with one ERROR
 * naming its properties, and the previous one keeps serving. Pools themselves (their
 * routes) are set at start-up: a configuration that adds or removes a pool, or moves one
 * between listed and discovered backends, is rejected; other changed pool settings are
 * logged as needing a restart.
 *
 * @author smart-stick
 */
public class BackendReloader {

	private static final Log logger = LogFactory.getLog(BackendReloader.class);

	private final Pools pools;

	private final Function<Binder, List<PoolDefinition>> definitions;

	private List<PoolDefinition> current;

	/**
	 * Create a reloader.
	 * @param pools the running pools
	 * @param initial the definitions the pools were built from
	 * @param definitions binds and validates every pool's definition from a binder, as at
	 * start-up, throwing {@link InvalidConfigurationException} or {@link BindException}
	 */
	public BackendReloader(Pools pools, List<PoolDefinition> initial,
			Function<Binder, List<PoolDefinition>> definitions) {
		this.pools = pools;
		this.current = List.copyOf(initial);
		this.definitions = definitions;
	}

	/**
	 * Validate the configuration a binder sees and, if it is valid, apply its backends.
	 * @param binder binds the changed configuration
	 * @param source what changed, for the log, such as {@code smartstick.config-file config.json}
	 * @return {@code true} if the configuration was applied, {@code false} if rejected
	 */
	public synchronized boolean reload(Binder binder, String source) {
		List<PoolDefinition> next;
		try {
			next = this.definitions.apply(binder);
		}
		catch (InvalidConfigurationException ex) {
			logger.error("Rejected the configuration changed by " + source + "; the previous one keeps serving. "
					+ ex.getViolations()
						.stream()
						.map((violation) -> violation.property() + " " + violation.problem() + ": " + violation.fix())
						.collect(Collectors.joining(" ")));
			return false;
		}
		catch (BindException ex) {
			logger.error("Rejected the configuration changed by " + source + "; the previous one keeps serving. "
					+ ex.getName() + ((ex.getProperty() != null) ? " (" + ex.getProperty().getName() + ")" : "")
					+ " cannot be bound: " + ((ex.getCause() != null) ? ex.getCause().getMessage() : ex.getMessage()));
			return false;
		}
		String problem = poolsProblem(next);
		if (problem != null) {
			logger.error("Rejected the configuration changed by " + source + "; the previous one keeps serving. "
					+ problem);
			return false;
		}
		for (PoolDefinition definition : next) {
			PoolDefinition previous = find(this.current, definition.name());
			if (!sameSettings(previous, definition)) {
				logger.warn("Settings of " + definition.propertyPrefix() + " other than its backends changed ("
						+ source + "); they apply after a restart");
			}
			if (definition.isDiscovered()) {
				continue;
			}
			Pool pool = this.pools.find(definition.name());
			MembershipChange change = pool.registry()
				.replaceBackends(definition.backends(), definition.healthChecks().enabled());
			if (!change.isEmpty()) {
				logger.info("Backends of " + definition.propertyPrefix() + " changed by " + source + ": added "
						+ describe(change.added()) + ", removed " + describe(change.removed()) + ", updated "
						+ describe(change.updated()));
			}
		}
		this.current = List.copyOf(next);
		return true;
	}

	private String poolsProblem(List<PoolDefinition> next) {
		List<String> problems = new ArrayList<>();
		for (PoolDefinition definition : next) {
			PoolDefinition previous = find(this.current, definition.name());
			if (previous == null) {
				problems.add(definition.propertyPrefix() + " is a new pool: pools are routes, set at start-up; "
						+ "restart to add it.");
			}
			else if (previous.isDiscovered() != definition.isDiscovered()) {
				problems.add(definition.propertyPrefix() + ".discovery.service-id and " + definition.propertyPrefix()
						+ ".backends: a pool's backends cannot move between a list and service discovery while "
						+ "running; restart to apply it.");
			}
		}
		for (PoolDefinition definition : this.current) {
			if (find(next, definition.name()) == null) {
				problems.add(definition.propertyPrefix() + " was removed: pools are routes, set at start-up; "
						+ "restart to remove it.");
			}
		}
		return problems.isEmpty() ? null : String.join(" ", problems);
	}

	private static PoolDefinition find(List<PoolDefinition> definitions, String name) {
		for (PoolDefinition definition : definitions) {
			if (definition.name().equals(name)) {
				return definition;
			}
		}
		return null;
	}

	private static boolean sameSettings(PoolDefinition a, PoolDefinition b) {
		return Objects.equals(a.strategy(), b.strategy()) && Objects.equals(a.cookie(), b.cookie())
				&& a.strictFailover() == b.strictFailover() && a.passive() == b.passive()
				&& Objects.equals(a.healthChecks(), b.healthChecks()) && Objects.equals(a.proxy(), b.proxy())
				&& Objects.equals(a.paths(), b.paths()) && Objects.equals(a.hosts(), b.hosts())
				&& Objects.equals(a.order(), b.order()) && Objects.equals(a.filters(), b.filters())
				&& Objects.equals(a.discovery(), b.discovery());
	}

	private static String describe(List<Backend> backends) {
		return backends.stream().map(Backend::idValue).collect(Collectors.joining(", ", "[", "]"));
	}

}
