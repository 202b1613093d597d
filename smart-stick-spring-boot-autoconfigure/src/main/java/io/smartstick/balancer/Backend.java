package io.smartstick.balancer;

import java.net.URI;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.cloud.client.ServiceInstance;

/**
 * One backend server as the load balancer sees it: its fixed settings, its per-request
 * counters and its current health. Instances are created by the {@link BackendRegistry};
 * the same instance is handed to Spring Cloud Gateway as the chosen
 * {@link ServiceInstance}, so choosing a backend allocates nothing.
 *
 * @author smart-stick
 */
public final class Backend implements ServiceInstance {

	private final int id;

	private final String idValue;

	private final URI url;

	private final String basePath;

	private final String proxyPrefix;

	private final String hostHeader;

	private final boolean numericKey;

	private volatile int weight;

	private volatile String owner;

	private volatile HealthSettings healthSettings;

	private volatile boolean serving = true;

	private volatile boolean removed;

	private volatile boolean retired;

	private final Set<Runnable> retireActions = ConcurrentHashMap.newKeySet();

	/**
	 * Name of the pool that serves every request no other pool claims.
	 */
	public static final String DEFAULT_POOL = "default";

	private final String pool;

	private final String serviceId;

	private final LongAdder requests = new LongAdder();

	private final AtomicInteger activeConnections = new AtomicInteger();

	private final AtomicInteger openTunnels = new AtomicInteger();

	private volatile BackendHealth health = BackendHealth.UNKNOWN;

	private volatile AdminState adminState = AdminState.READY;

	public Backend(String serviceId, int id, URI url, int weight, String owner, HealthSettings healthSettings) {
		this(serviceId, id, url, weight, owner, healthSettings, AdminState.READY);
	}

	/**
	 * Create a backend.
	 * @param serviceId service id the backend is registered under
	 * @param id unique non-negative id
	 * @param url base URL
	 * @param weight relative share of new clients, 0 to drain
	 * @param owner email address of the owner, or {@code null}
	 * @param healthSettings resolved health check settings
	 * @param adminState initial admin state
	 */
	public Backend(String serviceId, int id, URI url, int weight, String owner, HealthSettings healthSettings,
			AdminState adminState) {
		this(DEFAULT_POOL, serviceId, id, url, weight, owner, healthSettings, adminState);
	}

	/**
	 * Create a backend of a pool.
	 * @param pool name of the pool the backend belongs to
	 * @param serviceId service id the backend is registered under
	 * @param id non-negative id, unique within the pool
	 * @param url base URL
	 * @param weight relative share of new clients, 0 to drain
	 * @param owner email address of the owner, or {@code null}
	 * @param healthSettings resolved health check settings
	 * @param adminState initial admin state
	 */
	public Backend(String pool, String serviceId, int id, URI url, int weight, String owner,
			HealthSettings healthSettings, AdminState adminState) {
		this(pool, serviceId, id, null, url, weight, owner, healthSettings, adminState);
	}

	/**
	 * Create a backend of a pool that is known by a stable key rather than by its id, such
	 * as one found through service discovery: the key is what its sticky cookie, its
	 * {@code x-backend-id} header and the views name it by, while the id only indexes it.
	 * @param pool name of the pool the backend belongs to
	 * @param serviceId service id the backend is registered under
	 * @param id non-negative id, unique within the pool
	 * @param key stable key, unique within the pool, that does not start with a digit;
	 * {@code null} for the id as text
	 * @param url base URL
	 * @param weight relative share of new clients, 0 to drain
	 * @param owner email address of the owner, or {@code null}
	 * @param healthSettings resolved health check settings
	 * @param adminState initial admin state
	 */
	public Backend(String pool, String serviceId, int id, String key, URI url, int weight, String owner,
			HealthSettings healthSettings, AdminState adminState) {
		if (key != null && (key.isEmpty() || Character.isDigit(key.charAt(0)))) {
			throw new IllegalArgumentException("A backend's key must not be empty nor start with a digit: " + key);
		}
		this.pool = pool;
		this.serviceId = serviceId;
		this.id = id;
		this.numericKey = (key == null);
		this.idValue = (key != null) ? key : Integer.toString(id);
		this.url = url;
		String path = url.getRawPath();
		this.basePath = (path == null || path.isEmpty() || "/".equals(path)) ? ""
				: (path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
		this.proxyPrefix = (isSecure() ? "https" : "http") + "://" + url.getRawAuthority() + this.basePath;
		this.hostHeader = (getPort() == (isSecure() ? 443 : 80)) ? url.getHost() : url.getRawAuthority();
		this.weight = weight;
		this.owner = owner;
		this.healthSettings = healthSettings;
		this.adminState = adminState;
	}

	/**
	 * Return the name of the pool the backend belongs to.
	 * @return the pool's name, {@value #DEFAULT_POOL} for the top-level backends
	 */
	public String pool() {
		return this.pool;
	}

	/**
	 * Describe the backend for people, as logs and mails name it: {@code Backend 1
	 * (http://host:5001)}, with {@code of pool api} after the id for a pool other than the
	 * default one.
	 * @return the description
	 */
	public String describe() {
		return "Backend " + this.idValue + (DEFAULT_POOL.equals(this.pool) ? "" : " of pool " + this.pool) + " ("
				+ this.url + ")";
	}

	/**
	 * Return the backend's id.
	 * @return the non-negative id
	 */
	public int id() {
		return this.id;
	}

	/**
	 * Return the backend's stable key, as used in the x-backend-id header and the sticky
	 * cookie: the id as text for a configured backend, the key it was created with
	 * otherwise.
	 * @return the key, never {@code null}
	 */
	public String idValue() {
		return this.idValue;
	}

	/**
	 * Whether the backend's key is its id as text, as for every configured backend.
	 * @return {@code true} if {@link #idValue()} is {@link #id()} in decimal
	 */
	public boolean hasNumericKey() {
		return this.numericKey;
	}

	/**
	 * Return the configured base URL.
	 * @return the URL
	 */
	public URI url() {
		return this.url;
	}

	/**
	 * Return the path of the configured URL without a trailing slash, prefixed to every
	 * proxied path.
	 * @return the base path, empty when the URL has none
	 */
	public String basePath() {
		return this.basePath;
	}

	/**
	 * Return what a proxied request's raw path and query are appended to: the scheme
	 * ({@code http} or {@code https}), the authority and the {@link #basePath() base path}.
	 * @return the prefix of every proxied URL, such as {@code http://10.0.0.5:8080/api}
	 */
	public String proxyPrefix() {
		return this.proxyPrefix;
	}

	/**
	 * Return the {@code Host} header of a request proxied to this backend: its host, and
	 * its port unless that is the scheme's default.
	 * @return the host header, such as {@code 10.0.0.5:8080}
	 */
	public String hostHeader() {
		return this.hostHeader;
	}

	/**
	 * Return the relative share of new clients; 0 means drained.
	 * @return the weight
	 */
	public int weight() {
		return this.weight;
	}

	/**
	 * Return the owner's email address.
	 * @return the owner or {@code null}
	 */
	public String owner() {
		return this.owner;
	}

	/**
	 * Return the health check settings resolved against the global ones.
	 * @return the settings
	 */
	public HealthSettings healthSettings() {
		return this.healthSettings;
	}

	/**
	 * Return the number of requests proxied to this backend so far.
	 * @return the request count
	 */
	public long requests() {
		return this.requests.sum();
	}

	/**
	 * Return the number of requests and WebSocket sessions in flight now.
	 * @return the active connection count
	 */
	public int activeConnections() {
		return this.activeConnections.get();
	}

	/**
	 * Return the number of WebSocket tunnels open to this backend now: upgrades it
	 * accepted whose connections are not closed yet.
	 * @return the open tunnel count
	 */
	public int openTunnels() {
		return this.openTunnels.get();
	}

	/**
	 * Return the current health.
	 * @return the health, never {@code null}
	 */
	public BackendHealth health() {
		return this.health;
	}

	/**
	 * Whether the backend may serve requests.
	 * @return {@code true} if healthy
	 */
	public boolean isHealthy() {
		return this.health.healthy();
	}

	/**
	 * Return the operator's intent for this backend.
	 * @return the admin state, never {@code null}
	 */
	public AdminState adminState() {
		return this.adminState;
	}

	/**
	 * Whether a client already assigned to this backend may keep using it: it is healthy
	 * and not in maintenance.
	 * @return {@code true} if sticky clients stay
	 */
	public boolean keepsClients() {
		return this.health.healthy() && this.adminState != AdminState.MAINTENANCE;
	}

	/**
	 * Whether this backend may be given new clients: healthy, ready and with a positive
	 * weight.
	 * @return {@code true} if available for new clients
	 */
	public boolean takesNewClients() {
		return this.health.healthy() && this.adminState == AdminState.READY && this.weight > 0 && this.serving;
	}

	/**
	 * Whether the registry the backend was found in reports it as serving; one that is
	 * not (such as a Eureka instance {@code OUT_OF_SERVICE}) takes no new clients but
	 * keeps those it has, as in {@link AdminState#DRAIN}.
	 * @return {@code true} unless its registry says otherwise
	 */
	public boolean serving() {
		return this.serving;
	}

	/**
	 * Whether the backend was removed from its pool: it takes no request any more, and
	 * its open connections are being drained until it is {@link #retired()}.
	 * @return {@code true} once removed
	 */
	public boolean removed() {
		return this.removed;
	}

	void markRemoved() {
		this.removed = true;
	}

	/**
	 * Whether the drain of the backend, removed from its pool, has ended.
	 * @return {@code true} once its drain ended
	 */
	public boolean retired() {
		return this.retired;
	}

	/**
	 * Run an action when the backend's drain ends after its removal, such as closing a
	 * long-lived connection to it; at once if it has ended already.
	 * @param action the action, run at most once
	 */
	public void whenRetired(Runnable action) {
		this.retireActions.add(action);
		if (this.retired && this.retireActions.remove(action)) {
			action.run();
		}
	}

	/**
	 * Forget an action given to {@link #whenRetired(Runnable)}, once the connection it
	 * would close is closed.
	 * @param action the action
	 */
	public void forgetRetireAction(Runnable action) {
		this.retireActions.remove(action);
	}

	/**
	 * End the drain of a removed backend: run every action given to
	 * {@link #whenRetired(Runnable)}, closing the connections still open to it.
	 * @return how many actions ran
	 */
	public int retire() {
		this.retired = true;
		int ran = 0;
		for (Runnable action : this.retireActions) {
			if (this.retireActions.remove(action)) {
				action.run();
				ran++;
			}
		}
		return ran;
	}

	/**
	 * Take the settings of a newer definition of the same backend.
	 * @return {@code true} if any setting changed
	 */
	boolean updateSettings(Backend definition) {
		boolean changed = this.weight != definition.weight || this.serving != definition.serving
				|| !Objects.equals(this.owner, definition.owner)
				|| !Objects.equals(this.healthSettings, definition.healthSettings);
		this.weight = definition.weight;
		this.owner = definition.owner;
		this.healthSettings = definition.healthSettings;
		this.serving = definition.serving;
		return changed;
	}

	/**
	 * Set whether the registry the backend was found in reports it as serving, on a
	 * definition before it is handed to {@link BackendRegistry#replaceBackends}.
	 * @param serving whether it serves
	 * @return this backend
	 */
	public Backend serving(boolean serving) {
		this.serving = serving;
		return this;
	}

	void updateAdminState(AdminState adminState) {
		this.adminState = adminState;
	}

	void updateHealth(BackendHealth health) {
		this.health = health;
	}

	/**
	 * Record the start of a proxied exchange; pair every call with {@link #completed()}.
	 */
	public void started() {
		this.requests.increment();
		this.activeConnections.incrementAndGet();
	}

	/**
	 * Record the end of a proxied exchange, however it ended.
	 */
	public void completed() {
		this.activeConnections.decrementAndGet();
	}

	/**
	 * Record that a WebSocket tunnel to this backend opened; pair every call with
	 * {@link #tunnelClosed()}.
	 */
	public void tunnelOpened() {
		this.openTunnels.incrementAndGet();
	}

	/**
	 * Record that a WebSocket tunnel to this backend closed.
	 */
	public void tunnelClosed() {
		this.openTunnels.decrementAndGet();
	}

	@Override
	public String getInstanceId() {
		return this.idValue;
	}

	@Override
	public String getServiceId() {
		return this.serviceId;
	}

	@Override
	public String getHost() {
		return this.url.getHost();
	}

	@Override
	public int getPort() {
		int port = this.url.getPort();
		if (port != -1) {
			return port;
		}
		return isSecure() ? 443 : 80;
	}

	@Override
	public boolean isSecure() {
		return "https".equalsIgnoreCase(this.url.getScheme());
	}

	@Override
	public URI getUri() {
		return this.url;
	}

	@Override
	public Map<String, String> getMetadata() {
		return Collections.emptyMap();
	}

	@Override
	public String getScheme() {
		return this.url.getScheme();
	}

	@Override
	public String toString() {
		return "backend " + this.idValue + " (" + this.url + ")";
	}

}
