package io.smartstick.actuate;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.smartstick.balancer.AdminState;
import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.Pool;
import io.smartstick.balancer.Pools;
import io.smartstick.status.LoadBalancerStatus;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * Actuator endpoint {@code smartstick}: reads the load balancer's status (the
 * {@code /_lb/health} document with each backend's health cause, consecutive failed
 * checks, latest check latency and admin state, and the engine serving each pool with
 * the reason it was chosen) and changes a backend's admin state. Its
 * default access is read-only: changing admin states needs
 * {@code management.endpoint.smartstick.access=unrestricted}.
 *
 * @author smart-stick
 */
@Endpoint(id = "smartstick", defaultAccess = Access.READ_ONLY)
public class SmartStickEndpoint {

	private static final String VALID_STATES = Arrays.stream(AdminState.values())
		.map(SmartStickEndpoint::name)
		.collect(Collectors.joining(", "));

	private final LoadBalancerStatus status;

	private final Pools pools;

	private final HealthCheckTracker checks;

	private final Supplier<Map<String, ?>> engines;

	/**
	 * Create an endpoint.
	 * @param status builds the status document
	 * @param pools every pool of backends
	 * @param checks the recent health checks of each backend
	 */
	public SmartStickEndpoint(LoadBalancerStatus status, Pools pools, HealthCheckTracker checks) {
		this(status, pools, checks, Map::of);
	}

	/**
	 * Create an endpoint that also shows which engine serves each pool.
	 * @param status builds the status document
	 * @param pools every pool of backends
	 * @param checks the recent health checks of each backend
	 * @param engines each pool's engine and why, by pool name; empty to show none
	 */
	public SmartStickEndpoint(LoadBalancerStatus status, Pools pools, HealthCheckTracker checks,
			Supplier<Map<String, ?>> engines) {
		this.status = status;
		this.pools = pools;
		this.checks = checks;
		this.engines = engines;
	}

	/**
	 * Return the load balancer's status as of now.
	 * @return the status document
	 */
	@ReadOperation
	@SuppressWarnings("unchecked")
	public Map<String, Object> status() {
		Map<String, Object> status = this.status.snapshot();
		for (Map<String, Object> entry : (List<Map<String, Object>>) status.get("backends")) {
			Object pool = entry.get("pool");
			Pool owner = this.pools.find((pool != null) ? (String) pool : Backend.DEFAULT_POOL);
			Backend backend = (owner != null) ? find(owner.registry(), String.valueOf(entry.get("id"))) : null;
			if (backend != null) {
				Duration latency = this.checks.lastCheckLatency(backend);
				entry.put("state", backend.health().cause());
				entry.put("consecutiveFailures", this.checks.consecutiveFailures(backend));
				entry.put("lastCheckLatency", (latency != null) ? latency.toMillis() : null);
				entry.put("adminState", name(backend.adminState()));
				entry.put("openTunnels", backend.openTunnels());
			}
		}
		Map<String, ?> engines = this.engines.get();
		if (!engines.isEmpty()) {
			status.put("engines", engines);
		}
		return status;
	}

	/**
	 * Change the admin state of a backend of the default pool.
	 * @param id the backend's id, or the key of a discovered backend
	 * @param state "ready", "drain" or "maintenance"
	 * @return the backend's id and admin state, 404 for an unknown backend, 400 for an
	 * unknown state
	 */
	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> adminState(@Selector String id, String state) {
		return adminState(Backend.DEFAULT_POOL, id, state);
	}

	/**
	 * Change the admin state of a backend of a pool.
	 * @param pool the pool's name
	 * @param id the backend's id within the pool, or the key of a discovered backend
	 * @param state "ready", "drain" or "maintenance"
	 * @return the backend's pool, id and admin state, 404 for an unknown pool or backend,
	 * 400 for an unknown state
	 */
	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> adminState(@Selector String pool, @Selector String id,
			String state) {
		Pool owner = this.pools.find(pool);
		if (owner == null) {
			return error(WebEndpointResponse.STATUS_NOT_FOUND, "No pool named " + pool + ".");
		}
		BackendRegistry registry = owner.registry();
		Backend backend = find(registry, id);
		if (backend == null) {
			return error(WebEndpointResponse.STATUS_NOT_FOUND, owner.isDefault() ? "No backend with id " + id + "."
					: "No backend with id " + id + " in pool " + pool + ".");
		}
		AdminState adminState = parse(state);
		if (adminState == null) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST,
					"Unknown state '" + state + "'; valid states are " + VALID_STATES + ".");
		}
		boolean changed = registry.updateAdminState(backend, adminState);
		Map<String, Object> body = new LinkedHashMap<>();
		if (!owner.isDefault()) {
			body.put("pool", owner.name());
		}
		body.put("id", backend.hasNumericKey() ? backend.id() : backend.idValue());
		body.put("adminState", name(backend.adminState()));
		body.put("changed", changed);
		return new WebEndpointResponse<>(body);
	}

	private static Backend find(BackendRegistry registry, String id) {
		if (!id.isEmpty() && Character.isDigit(id.charAt(0))) {
			try {
				Backend backend = registry.find(Integer.parseInt(id));
				return (backend != null && backend.hasNumericKey()) ? backend : null;
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}
		return registry.find(id);
	}

	private static AdminState parse(String state) {
		for (AdminState candidate : AdminState.values()) {
			if (name(candidate).equalsIgnoreCase(state)) {
				return candidate;
			}
		}
		return null;
	}

	private static String name(AdminState state) {
		return state.name().toLowerCase(Locale.ROOT);
	}

	private static WebEndpointResponse<Map<String, Object>> error(int status, String message) {
		return new WebEndpointResponse<>(Map.of("error", message), status);
	}

}
