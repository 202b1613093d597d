package io.smartstick.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.smartstick.balancer.AdminState;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * Configuration of the smart-stick load balancer, bound from {@code smartstick.*}. Names
 * mirror the original {@code config.json} in kebab-case.
 *
 * @author smart-stick
 */
@ConfigurationProperties(SmartStickProperties.PREFIX)
public class SmartStickProperties {

	/**
	 * Prefix of every smart-stick property.
	 */
	public static final String PREFIX = "smartstick";

	/**
	 * Whether to enable the smart-stick load balancer.
	 */
	private boolean enabled = true;

	/**
	 * Name of the balancing strategy for new clients: round-robin, least-connections,
	 * random, or the name of a custom BalancingStrategy bean.
	 */
	private String strategy = "round-robin";

	/**
	 * Location of an original-format config.json to read settings from (file path or
	 * "classpath:" location). Command-line properties still win over its values.
	 */
	private String configFile;

	/**
	 * Backends to balance across.
	 */
	private List<Backend> backends = new ArrayList<>();

	/**
	 * Pools of backends besides the default one (the top-level settings), by name:
	 * letters, digits, - and _. Each pool is a Gateway route claiming the requests its
	 * paths and hosts match, with its own backends, sticky cookie (X-Backend-ID-<name>
	 * unless set), health checks and filters: smartstick.pools.<name>.paths, .hosts,
	 * .order, .backends[i].*, .strategy, .sticky.*, .health.*, .proxy.* and .filters.
	 * Every setting a pool leaves unset falls back to the top-level one; backends never
	 * do.
	 */
	private Map<String, Pool> pools = new LinkedHashMap<>();

	/**
	 * Time the requests and WebSocket connections still open to a backend removed while
	 * running may take to finish; those still open then are closed.
	 */
	private Duration drainTimeout = Duration.ofSeconds(30);

	private final Discovery discovery = new Discovery();

	private final Reload reload = new Reload();

	/**
	 * Engine serving the default pool and every pool that sets none: auto (fast for a
	 * pool without Gateway filters, unless the application has WebFilters of its own),
	 * gateway (a Spring Cloud Gateway route) or fast (smart-stick's own Reactor Netty
	 * handler, beneath WebFlux).
	 */
	private Engine engine = Engine.AUTO;

	/**
	 * Whether pools may be served by the fast engine although the application has
	 * WebFilters of its own (Spring Security's, say), which the fast engine bypasses.
	 */
	private boolean engineIgnoreWebFilters = false;

	private final Health health = new Health();

	private final Sticky sticky = new Sticky();

	private final Status status = new Status();

	private final Dashboard dashboard = new Dashboard();

	private final Proxy proxy = new Proxy();

	private final Alerts alerts = new Alerts();

	private final HealthIndicator healthIndicator = new HealthIndicator();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getStrategy() {
		return this.strategy;
	}

	public void setStrategy(String strategy) {
		this.strategy = strategy;
	}

	public String getConfigFile() {
		return this.configFile;
	}

	public void setConfigFile(String configFile) {
		this.configFile = configFile;
	}

	public List<Backend> getBackends() {
		return this.backends;
	}

	public void setBackends(List<Backend> backends) {
		this.backends = backends;
	}

	public Map<String, Pool> getPools() {
		return this.pools;
	}

	public void setPools(Map<String, Pool> pools) {
		this.pools = pools;
	}

	public Duration getDrainTimeout() {
		return this.drainTimeout;
	}

	public void setDrainTimeout(Duration drainTimeout) {
		this.drainTimeout = drainTimeout;
	}

	public Discovery getDiscovery() {
		return this.discovery;
	}

	public Reload getReload() {
		return this.reload;
	}

	public Engine getEngine() {
		return this.engine;
	}

	public void setEngine(Engine engine) {
		this.engine = engine;
	}

	public boolean isEngineIgnoreWebFilters() {
		return this.engineIgnoreWebFilters;
	}

	public void setEngineIgnoreWebFilters(boolean engineIgnoreWebFilters) {
		this.engineIgnoreWebFilters = engineIgnoreWebFilters;
	}

	public Health getHealth() {
		return this.health;
	}

	/**
	 * A pool's backends taken from Spring Cloud's service discovery.
	 */
	public static class Discovery {

		/**
		 * Service id whose instances, as the application's ReactiveDiscoveryClient finds
		 * them, are the pool's backends. Each instance's weight comes from its metadata
		 * "smartstick.weight", then "weight", and its health check path from
		 * "smartstick.health-path". Cannot be set together with the pool's backends.
		 */
		private String serviceId;

		/**
		 * Time between two look-ups of the service's instances, besides those on Spring
		 * Cloud's heartbeat events.
		 */
		private Duration refreshInterval = Duration.ofSeconds(30);

		public String getServiceId() {
			return this.serviceId;
		}

		public void setServiceId(String serviceId) {
			this.serviceId = serviceId;
		}

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

	}

	/**
	 * Changes of the configuration while the load balancer runs.
	 */
	public static class Reload {

		/**
		 * Whether to apply changed backends while running: from the file named by
		 * smartstick.config-file, and from smartstick.* properties refreshed through Spring
		 * Cloud's EnvironmentChangeEvent.
		 */
		private boolean enabled = true;

		/**
		 * Time between two checks of the file named by smartstick.config-file for changes.
		 */
		private Duration interval = Duration.ofSeconds(2);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

	}

	public Sticky getSticky() {
		return this.sticky;
	}

	public Status getStatus() {
		return this.status;
	}

	public Dashboard getDashboard() {
		return this.dashboard;
	}

	public Proxy getProxy() {
		return this.proxy;
	}

	public Alerts getAlerts() {
		return this.alerts;
	}

	public HealthIndicator getHealthIndicator() {
		return this.healthIndicator;
	}

	/**
	 * Engines that serve a pool's requests.
	 */
	public enum Engine {

		/**
		 * The fast engine when nothing needs Gateway (no Gateway filters on the pool, no
		 * WebFilters of the application's own), Gateway otherwise.
		 */
		AUTO,

		/**
		 * A Spring Cloud Gateway route with smart-stick's filters.
		 */
		GATEWAY,

		/**
		 * smart-stick's own Reactor Netty handler, beneath WebFlux.
		 */
		FAST

	}

	/**
	 * One pool of backends, served by its own Gateway route. Settings left unset fall back
	 * to the top-level ones, except the backends. The nested groups hold their defaults,
	 * not the inherited values: {@link PoolDefinitions} resolves the pool's settings.
	 */
	public static class Pool {

		/**
		 * Comma-separated list of Gateway path patterns this pool claims, such as /api/**. A
		 * request matching one of them, and one of the hosts when hosts are set, goes to
		 * this pool.
		 */
		private List<String> paths = new ArrayList<>();

		/**
		 * Comma-separated list of Gateway host patterns this pool claims, such as
		 * shop.example.com or **.example.com. A request whose Host header matches one of
		 * them, and one of the paths when paths are set, goes to this pool.
		 */
		private List<String> hosts = new ArrayList<>();

		/**
		 * Precedence of this pool's route among the pools and the application's own Gateway
		 * routes: lower is tried first. Pools with the same order are tried in
		 * configuration order. When not set, the pool's route has Gateway's default order,
		 * 0.
		 */
		private Integer order;

		/**
		 * Backends of this pool, with the same settings as smartstick.backends. Unlike every
		 * other pool setting, they never fall back to the top-level backends.
		 */
		private List<Backend> backends = new ArrayList<>();

		/**
		 * Name of the balancing strategy for new clients of this pool: round-robin,
		 * least-connections, random, or the name of a custom BalancingStrategy bean.
		 * Defaults to smartstick.strategy.
		 */
		private String strategy;

		/**
		 * Gateway filters applied to this pool's route, in order, in Gateway's shortcut
		 * form, such as StripPrefix=1 or AddRequestHeader=X-Pool,api. Give one filter per
		 * index (filters[0], filters[1], or a YAML list): a comma-separated value would
		 * split a filter's arguments.
		 */
		private List<String> filters = new ArrayList<>();

		private final Discovery discovery = new Discovery();
		/**
		 * Engine serving this pool: auto, gateway or fast. Defaults to smartstick.engine.
		 */
		private Engine engine;

		private final Health health = new Health();

		private final Sticky sticky = new Sticky();

		private final Proxy proxy = new Proxy();

		public Discovery getDiscovery() {
			return this.discovery;
		}

		public List<String> getPaths() {
			return this.paths;
		}

		public void setPaths(List<String> paths) {
			this.paths = paths;
		}

		public List<String> getHosts() {
			return this.hosts;
		}

		public void setHosts(List<String> hosts) {
			this.hosts = hosts;
		}

		public Integer getOrder() {
			return this.order;
		}

		public void setOrder(Integer order) {
			this.order = order;
		}

		public List<Backend> getBackends() {
			return this.backends;
		}

		public void setBackends(List<Backend> backends) {
			this.backends = backends;
		}

		public String getStrategy() {
			return this.strategy;
		}

		public void setStrategy(String strategy) {
			this.strategy = strategy;
		}

		public Engine getEngine() {
			return this.engine;
		}

		public void setEngine(Engine engine) {
			this.engine = engine;
		}

		public List<String> getFilters() {
			return this.filters;
		}

		public void setFilters(List<String> filters) {
			this.filters = filters;
		}

		public Health getHealth() {
			return this.health;
		}

		public Sticky getSticky() {
			return this.sticky;
		}

		public Proxy getProxy() {
			return this.proxy;
		}

	}

	/**
	 * One backend server. Health settings left unset fall back to its pool's:
	 * {@code smartstick.health.*}, or {@code smartstick.pools.<name>.health.*} where the
	 * pool sets them.
	 */
	public static class Backend {

		/**
		 * Unique non-negative integer identifying the backend; it is the value of the sticky
		 * cookie and of the x-backend-id response header.
		 */
		private String id;

		/**
		 * Base URL of the backend, http or https, for example "http://localhost:5000".
		 */
		private String url;

		/**
		 * Relative share of new clients. 0 drains the backend: no new clients, sticky clients
		 * stay.
		 */
		private int weight = 1;

		/**
		 * Email address to notify when the backend goes down or recovers.
		 */
		private String owner;

		/**
		 * Health check path for this backend. Defaults to smartstick.health.path.
		 */
		private String healthPath;

		/**
		 * HTTP method of this backend's health check. Defaults to smartstick.health.method.
		 */
		private String healthMethod;

		/**
		 * Health algorithm for this backend: "http" or "http-status". Defaults to
		 * smartstick.health.algorithm.
		 */
		private String healthAlgorithm;

		/**
		 * Timeout of this backend's health check. Defaults to smartstick.health.timeout. If a
		 * duration suffix is not specified, milliseconds will be used.
		 */
		private Duration healthTimeout;

		/**
		 * Headers sent with this backend's health check, replacing smartstick.health.headers.
		 */
		private Map<String, String> healthHeaders = new LinkedHashMap<>();

		/**
		 * Name of the HealthCheck bean that decides this backend's health. Defaults to
		 * smartstick.health.check.
		 */
		private String healthCheck;

		/**
		 * Consecutive successful checks that bring this backend back up. Defaults to
		 * smartstick.health.rise.
		 */
		private Integer healthRise;

		/**
		 * Consecutive failed checks that take this backend down. Defaults to
		 * smartstick.health.fall.
		 */
		private Integer healthFall;

		/**
		 * Admin state at start-up: "ready", "drain" (no new clients, sticky clients stay) or
		 * "maintenance" (out of rotation, its clients move).
		 */
		private AdminState state = AdminState.READY;

		public AdminState getState() {
			return this.state;
		}

		public void setState(AdminState state) {
			this.state = state;
		}

		public Integer getHealthRise() {
			return this.healthRise;
		}

		public void setHealthRise(Integer healthRise) {
			this.healthRise = healthRise;
		}

		public Integer getHealthFall() {
			return this.healthFall;
		}

		public void setHealthFall(Integer healthFall) {
			this.healthFall = healthFall;
		}

		public String getId() {
			return this.id;
		}

		public void setId(String id) {
			this.id = id;
		}

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public int getWeight() {
			return this.weight;
		}

		public void setWeight(int weight) {
			this.weight = weight;
		}

		public String getOwner() {
			return this.owner;
		}

		public void setOwner(String owner) {
			this.owner = owner;
		}

		public String getHealthPath() {
			return this.healthPath;
		}

		public void setHealthPath(String healthPath) {
			this.healthPath = healthPath;
		}

		public String getHealthMethod() {
			return this.healthMethod;
		}

		public void setHealthMethod(String healthMethod) {
			this.healthMethod = healthMethod;
		}

		public String getHealthAlgorithm() {
			return this.healthAlgorithm;
		}

		public void setHealthAlgorithm(String healthAlgorithm) {
			this.healthAlgorithm = healthAlgorithm;
		}

		public Duration getHealthTimeout() {
			return this.healthTimeout;
		}

		public void setHealthTimeout(Duration healthTimeout) {
			this.healthTimeout = healthTimeout;
		}

		public Map<String, String> getHealthHeaders() {
			return this.healthHeaders;
		}

		public void setHealthHeaders(Map<String, String> healthHeaders) {
			this.healthHeaders = healthHeaders;
		}

		public String getHealthCheck() {
			return this.healthCheck;
		}

		public void setHealthCheck(String healthCheck) {
			this.healthCheck = healthCheck;
		}

	}

	/**
	 * Active health check defaults for every backend.
	 */
	public static class Health {

		/**
		 * Whether to check backends actively. Without active checks a backend only goes down
		 * through passive detection, and is tried again one interval later.
		 */
		private boolean enabled = true;

		/**
		 * Consecutive successful checks that bring a down backend back up.
		 */
		private int rise = 1;

		/**
		 * Consecutive failed checks that take a backend down.
		 */
		private int fall = 1;

		/**
		 * Whether a transport failure while proxying (connection refused or reset, connect
		 * timeout) takes the backend down at once, until an active check brings it back (or,
		 * without active checks, for one interval).
		 */
		private boolean passive = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getRise() {
			return this.rise;
		}

		public void setRise(int rise) {
			this.rise = rise;
		}

		public int getFall() {
			return this.fall;
		}

		public void setFall(int fall) {
			this.fall = fall;
		}

		public boolean isPassive() {
			return this.passive;
		}

		public void setPassive(boolean passive) {
			this.passive = passive;
		}

		/**
		 * Time between two health check rounds. If a duration suffix is not specified,
		 * milliseconds will be used.
		 */
		private Duration interval = Duration.ofSeconds(10);

		/**
		 * Path requested by the health check.
		 */
		private String path = "/";

		/**
		 * HTTP method of the health check, such as GET or HEAD.
		 */
		private String method = "GET";

		/**
		 * Health algorithm: "http" (any HTTP answer is healthy) or "http-status" (only 2xx
		 * is healthy).
		 */
		private String algorithm = "http-status";

		/**
		 * Time a health check may take before the backend counts as unhealthy. If a duration
		 * suffix is not specified, milliseconds will be used.
		 */
		private Duration timeout = Duration.ofMillis(2000);

		/**
		 * Headers sent with every health check.
		 */
		private Map<String, String> headers = new LinkedHashMap<>();

		/**
		 * Name of the HealthCheck bean used for every backend without its own health-check.
		 */
		private String check;

		/**
		 * Maximum number of health checks in flight at once. Further checks of a round wait
		 * for a free slot; a check's timeout counts from when it starts, not from when it
		 * was queued. Unset by default: every backend is checked at once, as the original
		 * did, which costs the least CPU. Set it (64, say) when hundreds of backends are
		 * checked from a cold start.
		 */
		private Integer maxConcurrentChecks;

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public String getMethod() {
			return this.method;
		}

		public void setMethod(String method) {
			this.method = method;
		}

		public String getAlgorithm() {
			return this.algorithm;
		}

		public void setAlgorithm(String algorithm) {
			this.algorithm = algorithm;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Map<String, String> getHeaders() {
			return this.headers;
		}

		public void setHeaders(Map<String, String> headers) {
			this.headers = headers;
		}

		public String getCheck() {
			return this.check;
		}

		public void setCheck(String check) {
			this.check = check;
		}

		public Integer getMaxConcurrentChecks() {
			return this.maxConcurrentChecks;
		}

		public void setMaxConcurrentChecks(Integer maxConcurrentChecks) {
			this.maxConcurrentChecks = maxConcurrentChecks;
		}

	}

	/**
	 * Sticky-session cookie settings.
	 */
	public static class Sticky {

		/**
		 * Name of the cookie holding the assigned backend's id.
		 */
		private String cookieName = "X-Backend-ID";

		/**
		 * Path attribute of the sticky cookie.
		 */
		private String path = "/";

		/**
		 * Whether the sticky cookie is HttpOnly.
		 */
		private boolean httpOnly = true;

		/**
		 * SameSite attribute of the sticky cookie.
		 */
		private SameSite sameSite = SameSite.LAX;

		/**
		 * When the sticky cookie gets the Secure attribute. "auto" sets it when the request
		 * came over https, directly or as told by X-Forwarded-Proto from a trusted proxy.
		 */
		private Secure secure = Secure.AUTO;

		/**
		 * Max-Age of the sticky cookie. When not set, the cookie lasts for the browser
		 * session. If a duration suffix is not specified, seconds will be used.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration maxAge;

		/**
		 * Secret used to sign the cookie value with HMAC-SHA256, so that clients can neither
		 * forge nor choose a backend. Load balancers sharing a secret honour each other's
		 * cookies. When not set, the cookie holds the plain backend id.
		 */
		private String secret;

		/**
		 * Comma-separated list of secrets, for rotating the secret across load balancers
		 * without losing stickiness: cookie values are signed with the first and accepted
		 * when signed with any, a value signed with another being signed again with the
		 * first. Cannot be set together with secret.
		 */
		private List<String> secrets = new ArrayList<>();

		public List<String> getSecrets() {
			return this.secrets;
		}

		public void setSecrets(List<String> secrets) {
			this.secrets = secrets;
		}

		/**
		 * What happens to a client whose sticky backend is down: "redistribute" moves it to
		 * a healthy backend and rewrites its cookie; "strict" answers 503, for applications
		 * whose in-memory state cannot move.
		 */
		private Failover failover = Failover.REDISTRIBUTE;

		public Failover getFailover() {
			return this.failover;
		}

		public void setFailover(Failover failover) {
			this.failover = failover;
		}

		/**
		 * Regular expression matching the remote addresses of trusted proxies: their
		 * X-Forwarded-Proto header decides whether the request came over https, and the
		 * X-Forwarded-For chain they send is passed on with them appended. Forwarding
		 * headers from any other peer are replaced by what the load balancer saw. Also the
		 * default of spring.cloud.gateway.server.webflux.trusted-proxies. Defaults to
		 * loopback and private network addresses.
		 */
		private String trustedProxies = "10\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|192\\.168\\.\\d{1,3}\\.\\d{1,3}"
				+ "|169\\.254\\.\\d{1,3}\\.\\d{1,3}|127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"
				+ "|172\\.(1[6-9]|2[0-9]|3[0-1])\\.\\d{1,3}\\.\\d{1,3}"
				+ "|100\\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\\.\\d{1,3}\\.\\d{1,3}"
				+ "|0:0:0:0:0:0:0:1|::1";

		public String getCookieName() {
			return this.cookieName;
		}

		public void setCookieName(String cookieName) {
			this.cookieName = cookieName;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public boolean isHttpOnly() {
			return this.httpOnly;
		}

		public void setHttpOnly(boolean httpOnly) {
			this.httpOnly = httpOnly;
		}

		public SameSite getSameSite() {
			return this.sameSite;
		}

		public void setSameSite(SameSite sameSite) {
			this.sameSite = sameSite;
		}

		public Secure getSecure() {
			return this.secure;
		}

		public void setSecure(Secure secure) {
			this.secure = secure;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

		public String getSecret() {
			return this.secret;
		}

		public void setSecret(String secret) {
			this.secret = secret;
		}

		public String getTrustedProxies() {
			return this.trustedProxies;
		}

		public void setTrustedProxies(String trustedProxies) {
			this.trustedProxies = trustedProxies;
		}

		/**
		 * Values of the cookie's SameSite attribute.
		 */
		public enum SameSite {

			/**
			 * SameSite=Strict.
			 */
			STRICT("Strict"),

			/**
			 * SameSite=Lax.
			 */
			LAX("Lax"),

			/**
			 * SameSite=None (browsers then require Secure as well).
			 */
			NONE("None");

			private final String attributeValue;

			SameSite(String attributeValue) {
				this.attributeValue = attributeValue;
			}

			public String attributeValue() {
				return this.attributeValue;
			}

		}

		/**
		 * Policies for clients whose sticky backend is down.
		 */
		public enum Failover {

			/**
			 * Move the client to a healthy backend and rewrite its cookie.
			 */
			REDISTRIBUTE,

			/**
			 * Answer 503 until the client's backend is back.
			 */
			STRICT

		}

		/**
		 * When the cookie's Secure attribute is set.
		 */
		public enum Secure {

			/**
			 * Secure when the request came over https.
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
	 * Status endpoint in the original's JSON shape.
	 */
	public static class Status {

		/**
		 * Whether to serve the status endpoint.
		 */
		private boolean enabled = true;

		/**
		 * Path of the status endpoint.
		 */
		private String path = "/_lb/health";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

	}

	/**
	 * Live dashboard page, served by the load balancer itself and never proxied.
	 */
	public static class Dashboard {

		/**
		 * Whether to serve the dashboard. It shows no more than the status endpoint does.
		 */
		private boolean enabled = true;

		/**
		 * Path of the dashboard page; its script, style sheet and event stream are served
		 * below it, and the path without its trailing slash redirects to it.
		 */
		private String path = "/_lb/";

		/**
		 * Time a dashboard may go without taking an update (its browser or network too
		 * slow to read them) before it is disconnected; its browser then reconnects and
		 * starts again from a fresh snapshot.
		 */
		private Duration slowClientTimeout = Duration.ofSeconds(30);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public Duration getSlowClientTimeout() {
			return this.slowClientTimeout;
		}

		public void setSlowClientTimeout(Duration slowClientTimeout) {
			this.slowClientTimeout = slowClientTimeout;
		}

	}

	/**
	 * Settings of the proxied requests.
	 */
	public static class Proxy {

		/**
		 * Time allowed to open a connection to a backend before the request fails with 502.
		 * If a duration suffix is not specified, milliseconds will be used.
		 */
		private Duration connectTimeout = Duration.ofSeconds(5);

		/**
		 * Time allowed for a backend to start answering once the request is sent, and
		 * between any two reads of its answer after that (as nginx's proxy_read_timeout).
		 * Before the answer started the request fails with 504; after, the client's
		 * connection is closed. If a duration suffix is not specified, milliseconds will be
		 * used.
		 */
		private Duration responseTimeout = Duration.ofSeconds(60);

		/**
		 * Times a failed request is retried on another healthy backend, when that is safe:
		 * always if nothing of the request was sent, otherwise only for idempotent requests
		 * without a body, and never once the response has started. A request sent once more
		 * on a fresh connection to the same backend after its pooled connection failed is
		 * not counted.
		 */
		private int retries = 2;

		/**
		 * Time a WebSocket tunnel may carry no bytes in either direction before both of its
		 * connections are closed. Unset, a tunnel stays open until the client or the
		 * backend closes it. If a duration suffix is not specified, milliseconds will be
		 * used.
		 */
		private Duration websocketIdleTimeout;

		/**
		 * Time a client may take to send a request's line and headers, from the moment its
		 * connection opens or the first byte of the request arrives; a slower client is
		 * answered 408 and its connection closed (slowloris protection, like Tomcat's
		 * connection timeout). If a duration suffix is not specified, milliseconds will be
		 * used.
		 */
		private Duration requestHeaderTimeout = Duration.ofSeconds(20);

		public Duration getRequestHeaderTimeout() {
			return this.requestHeaderTimeout;
		}

		public void setRequestHeaderTimeout(Duration requestHeaderTimeout) {
			this.requestHeaderTimeout = requestHeaderTimeout;
		}

		public int getRetries() {
			return this.retries;
		}

		public void setRetries(int retries) {
			this.retries = retries;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getResponseTimeout() {
			return this.responseTimeout;
		}

		public void setResponseTimeout(Duration responseTimeout) {
			this.responseTimeout = responseTimeout;
		}

		public Duration getWebsocketIdleTimeout() {
			return this.websocketIdleTimeout;
		}

		public void setWebsocketIdleTimeout(Duration websocketIdleTimeout) {
			this.websocketIdleTimeout = websocketIdleTimeout;
		}

	}

	/**
	 * Email alerts to a backend's owner when it goes down or recovers. Sent only when a
	 * JavaMailSender is configured (spring.mail.host or the config.json "email" block).
	 */
	public static class Alerts {

		/**
		 * Whether to email a backend's owner when it goes down or recovers.
		 */
		private boolean enabled = true;

		/**
		 * Sender address of alert mails, such as "Load Balancer <lb@example.com>". Defaults
		 * to spring.mail.username.
		 */
		private String from;

		/**
		 * Text put before the subject of every alert mail.
		 */
		private String subjectPrefix = "[smart-stick]";

		/**
		 * Window that damps a flapping backend, per backend. A change of a backend with
		 * no window open is mailed at once and opens a window; the next change inside it
		 * (such as the recovery after an outage) is mailed at once too, so a single
		 * outage always gives a DOWN and a RECOVERED mail. Further changes inside the
		 * window are held and logged; when it ends, one summary mail tells the state then
		 * and how often it changed, if that state differs from the last mail, and opens a
		 * window in which every change is held. A mail that could not be sent is made up
		 * for by the summary at the end of its window. 0 mails every change. If a
		 * duration suffix is not specified, milliseconds will be used.
		 */
		private Duration minInterval = Duration.ofMinutes(1);

		/**
		 * Times a failed send is retried before the alert is given up.
		 */
		private int retries = 3;

		/**
		 * Wait before the first retry of a failed send, doubled for each further retry. If a
		 * duration suffix is not specified, milliseconds will be used.
		 */
		private Duration retryBackoff = Duration.ofSeconds(1);

		/**
		 * Name of this load balancer in alert mails. Defaults to spring.application.name,
		 * or the host name when that is not set.
		 */
		private String instanceName;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getFrom() {
			return this.from;
		}

		public void setFrom(String from) {
			this.from = from;
		}

		public String getSubjectPrefix() {
			return this.subjectPrefix;
		}

		public void setSubjectPrefix(String subjectPrefix) {
			this.subjectPrefix = subjectPrefix;
		}

		public Duration getMinInterval() {
			return this.minInterval;
		}

		public void setMinInterval(Duration minInterval) {
			this.minInterval = minInterval;
		}

		public int getRetries() {
			return this.retries;
		}

		public void setRetries(int retries) {
			this.retries = retries;
		}

		public Duration getRetryBackoff() {
			return this.retryBackoff;
		}

		public void setRetryBackoff(Duration retryBackoff) {
			this.retryBackoff = retryBackoff;
		}

		public String getInstanceName() {
			return this.instanceName;
		}

		public void setInstanceName(String instanceName) {
			this.instanceName = instanceName;
		}

	}

	/**
	 * Actuator health contributor "smartstick".
	 */
	public static class HealthIndicator {

		/**
		 * Whether the health contributor reports DOWN when no backend is healthy. By default
		 * it stays UP, so that an orchestrator does not restart the load balancer for its
		 * backends' failures.
		 */
		private boolean downWhenNoHealthyBackend = false;

		public boolean isDownWhenNoHealthyBackend() {
			return this.downWhenNoHealthyBackend;
		}

		public void setDownWhenNoHealthyBackend(boolean downWhenNoHealthyBackend) {
			this.downWhenNoHealthyBackend = downWhenNoHealthyBackend;
		}

	}

}
