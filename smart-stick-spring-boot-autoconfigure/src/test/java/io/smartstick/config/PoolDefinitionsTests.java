package io.smartstick.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.HealthSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link PoolDefinitions}: how a pool's settings fall back to the top-level
 * ones, in which order pools come, and the problems each invalid setting reports.
 */
class PoolDefinitionsTests {

	private static final List<String> STRATEGIES = List.of("round-robin", "least-connections", "random");

	@Test
	void topLevelBackendsMakeTheDefaultPoolClaimingEveryRequest() {
		List<PoolDefinition> pools = create(backend("smartstick", 0, "0", "http://127.0.0.1:5000"));
		assertThat(pools).singleElement().satisfies((pool) -> {
			assertThat(pool.name()).isEqualTo("default");
			assertThat(pool.isDefault()).isTrue();
			assertThat(pool.propertyPrefix()).isEqualTo("smartstick");
			assertThat(pool.claimsEveryRequest()).isTrue();
			assertThat(pool.order()).isNull();
			assertThat(pool.filters()).isEmpty();
			assertThat(pool.strategy()).isEqualTo("round-robin");
			assertThat(pool.cookie().name()).isEqualTo("X-Backend-ID");
			assertThat(pool.backends()).extracting(Backend::idValue).containsExactly("0");
			assertThat(pool.backends().get(0).getServiceId()).isEqualTo("smartstick-default");
		});
	}

	@Test
	void defaultPoolHasEveryTopLevelSetting() {
		PoolDefinition pool = create(backend("smartstick", 0, "0", "http://127.0.0.1:5000"),
				"smartstick.strategy=random", "smartstick.sticky.cookie-name=LB", "smartstick.sticky.path=/app",
				"smartstick.sticky.http-only=false", "smartstick.sticky.same-site=strict",
				"smartstick.sticky.secure=always", "smartstick.sticky.max-age=3600", "smartstick.sticky.secret=s3cret",
				"smartstick.sticky.failover=strict", "smartstick.health.passive=false",
				"smartstick.health.enabled=false", "smartstick.health.interval=5s", "smartstick.health.timeout=700",
				"smartstick.health.rise=2", "smartstick.health.fall=3", "smartstick.health.max-concurrent-checks=8",
				"smartstick.proxy.connect-timeout=1s", "smartstick.proxy.response-timeout=9s",
				"smartstick.proxy.retries=0")
			.get(0);
		assertThat(pool.strategy()).isEqualTo("random");
		assertThat(pool.cookie()).isEqualTo(new PoolDefinition.Cookie("LB", "/app", false, "Strict",
				PoolDefinition.Cookie.Secure.ALWAYS, Duration.ofHours(1), "s3cret"));
		assertThat(pool.strictFailover()).isTrue();
		assertThat(pool.passive()).isFalse();
		assertThat(pool.healthChecks()).isEqualTo(new PoolDefinition.HealthChecks(false, Duration.ofSeconds(5),
				Duration.ofMillis(700), 2, 3, 8));
		assertThat(pool.proxy())
			.isEqualTo(new PoolDefinition.Proxy(Duration.ofSeconds(1), Duration.ofSeconds(9), 0, null));
	}

	@Test
	void poolOverridesOneHealthSettingAndInheritsTheRest() {
		PoolDefinition api = pool(create(backend("smartstick.pools.api", 0, "0", "http://127.0.0.1:5000"),
				"smartstick.pools.api.paths=/api/**", "smartstick.health.interval=5s", "smartstick.health.rise=2",
				"smartstick.health.fall=4", "smartstick.health.path=/health", "smartstick.health.passive=false",
				"smartstick.pools.api.health.fall=1"), "api");
		assertThat(api.healthChecks()).isEqualTo(new PoolDefinition.HealthChecks(true, Duration.ofSeconds(5),
				Duration.ofSeconds(2), 2, 1, null));
		assertThat(api.passive()).isFalse();
		HealthSettings backend = api.backends().get(0).healthSettings();
		assertThat(backend.path()).isEqualTo("/health");
		assertThat(backend.rise()).isEqualTo(2);
		assertThat(backend.fall()).isEqualTo(1);
	}

	@Test
	void backendsOfAPoolFallBackToThePoolsHealthSettings() {
		PoolDefinition api = pool(create(backend("smartstick.pools.api", 0, "0", "http://127.0.0.1:5000"),
				backend("smartstick.pools.api", 1, "1", "http://127.0.0.1:5001"), "smartstick.pools.api.paths=/api/**",
				"smartstick.health.path=/health", "smartstick.health.method=GET", "smartstick.health.headers.X-Token=global",
				"smartstick.pools.api.health.path=/api/health", "smartstick.pools.api.health.method=head",
				"smartstick.pools.api.health.headers.X-Pool=api", "smartstick.pools.api.backends[1].health-path=/ping"),
				"api");
		HealthSettings inherited = api.backends().get(0).healthSettings();
		assertThat(inherited.path()).isEqualTo("/api/health");
		assertThat(inherited.method()).isEqualTo("HEAD");
		assertThat(inherited.headers()).containsExactlyEntriesOf(Map.of("X-Pool", "api"));
		assertThat(api.backends().get(1).healthSettings().path()).isEqualTo("/ping");
	}

	@Test
	void poolWithoutHealthHeadersSendsTheTopLevelOnes() {
		PoolDefinition api = pool(create(backend("smartstick.pools.api", 0, "0", "http://127.0.0.1:5000"),
				"smartstick.pools.api.paths=/api/**", "smartstick.health.headers.X-Token=global"), "api");
		assertThat(api.backends().get(0).healthSettings().headers())
			.containsExactlyEntriesOf(Map.of("X-Token", "global"));
	}

	@Test
	void poolCookieIsTheTopLevelCookieNameFollowedByThePoolName() {
		List<PoolDefinition> pools = create(backend("smartstick", 0, "0", "http://127.0.0.1:5000"),
				apiPool(), "smartstick.sticky.secret=s3cret", "smartstick.sticky.max-age=60");
		assertThat(pool(pools, "default").cookie().name()).isEqualTo("X-Backend-ID");
		PoolDefinition.Cookie api = pool(pools, "api").cookie();
		assertThat(api.name()).isEqualTo("X-Backend-ID-api");
		assertThat(api.secret()).isEqualTo("s3cret");
		assertThat(api.maxAge()).isEqualTo(Duration.ofSeconds(60));
	}

	@Test
	void poolCookieFollowsACustomTopLevelCookieName() {
		assertThat(pool(create(apiPool(), "smartstick.sticky.cookie-name=LB"), "api").cookie().name())
			.isEqualTo("LB-api");
	}

	@Test
	void poolCookieNameCanBeSet() {
		PoolDefinition api = pool(create(apiPool(), "smartstick.sticky.cookie-name=LB",
				"smartstick.pools.api.sticky.cookie-name=API", "smartstick.pools.api.sticky.failover=strict"), "api");
		assertThat(api.cookie().name()).isEqualTo("API");
		assertThat(api.strictFailover()).isTrue();
	}

	@Test
	void poolNamedDefaultKeepsTheTopLevelCookieName() {
		List<PoolDefinition> pools = create(backend("smartstick.pools.default", 0, "0", "http://127.0.0.1:5000"),
				apiPool());
		assertThat(pools).extracting(PoolDefinition::name).containsExactly("default", "api");
		assertThat(pools.get(0).cookie().name()).isEqualTo("X-Backend-ID");
		assertThat(pools.get(0).propertyPrefix()).isEqualTo("smartstick.pools.default");
		assertThat(pools.get(0).claimsEveryRequest()).isTrue();
	}

	@Test
	void strategyFallsBackToTheTopLevelOne() {
		List<PoolDefinition> pools = create(apiPool(), "smartstick.strategy=least-connections",
				backend("smartstick.pools.chat", 0, "0", "http://127.0.0.1:5001"), "smartstick.pools.chat.paths=/ws/**",
				"smartstick.pools.chat.strategy=random");
		assertThat(pool(pools, "api").strategy()).isEqualTo("least-connections");
		assertThat(pool(pools, "chat").strategy()).isEqualTo("random");
	}

	@Test
	void proxySettingsFallBackToTheTopLevelOnes() {
		PoolDefinition api = pool(create(apiPool(), "smartstick.proxy.retries=5",
				"smartstick.proxy.response-timeout=30s", "smartstick.pools.api.proxy.connect-timeout=250"), "api");
		assertThat(api.proxy())
			.isEqualTo(new PoolDefinition.Proxy(Duration.ofMillis(250), Duration.ofSeconds(30), 5, null));
	}

	@Test
	void poolKeepsItsPredicatesFiltersAndOrder() {
		PoolDefinition api = pool(create(apiPool(), "smartstick.pools.api.hosts=shop.example.com,**.example.org",
				"smartstick.pools.api.order=-1", "smartstick.pools.api.filters[0]=StripPrefix=1",
				"smartstick.pools.api.filters[1]=AddRequestHeader=X-Pool,api", "smartstick.pools.api.filters[2]=PreserveHostHeader"),
				"api");
		assertThat(api.paths()).containsExactly("/api/**");
		assertThat(api.hosts()).containsExactly("shop.example.com", "**.example.org");
		assertThat(api.order()).isEqualTo(-1);
		assertThat(api.filters()).containsExactly("StripPrefix=1", "AddRequestHeader=X-Pool,api", "PreserveHostHeader");
		assertThat(api.propertyPrefix()).isEqualTo("smartstick.pools.api");
		assertThat(api.backends().get(0).getServiceId()).isEqualTo("smartstick-api");
	}

	@Test
	void serviceIdsComeFromTheGivenFunction() {
		Map<String, String> map = properties(backend("smartstick", 0, "0", "http://127.0.0.1:5000"), apiPool());
		Binder binder = new Binder(new MapConfigurationPropertySource(map));
		List<PoolDefinition> pools = PoolDefinitions.create(bind(binder), binder, STRATEGIES, null,
				(name) -> "default".equals(name) ? "smart-stick" : "smart-stick-" + name);
		assertThat(pools).extracting((pool) -> pool.backends().get(0).getServiceId())
			.containsExactly("smart-stick", "smart-stick-api");
	}

	@Test
	void defaultPoolComesFirstThenPoolsByOrderThenInConfigurationOrder() {
		List<PoolDefinition> pools = create(namedPool("zeta", "/z/**"), namedPool("late", "/l/**"),
				"smartstick.pools.late.order=10", namedPool("alpha", "/a/**"), namedPool("early", "/e/**"),
				"smartstick.pools.early.order=-5", namedPool("zero", "/0/**"), "smartstick.pools.zero.order=0",
				backend("smartstick", 0, "0", "http://127.0.0.1:5000"));
		assertThat(pools).extracting(PoolDefinition::name)
			.containsExactly("default", "early", "zeta", "alpha", "zero", "late");
	}

	@Test
	void poolsWithoutTopLevelBackendsHaveNoDefaultPool() {
		assertThat(create(apiPool())).extracting(PoolDefinition::name).containsExactly("api");
	}

	@Test
	void noBackendAndNoPoolIsReportedAsToday() {
		assertThat(violations()).singleElement().satisfies((violation) -> {
			assertThat(violation.property()).isEqualTo("smartstick.backends");
			assertThat(violation.problem()).contains("is empty");
			assertThat(violation.fix()).contains("Add at least one backend");
		});
	}

	@Test
	void topLevelProblemsAreReportedWithTheirTopLevelNames() {
		assertThat(properties(violations(backend("smartstick", 0, "0", "ftp://x"), "smartstick.strategy=fastest",
				apiPool())))
			.containsExactlyInAnyOrder("smartstick.backends[0].url", "smartstick.strategy");
	}

	@Test
	void invalidPoolBackendIsReportedWithThePoolsPropertyName() {
		assertOnly(violations(backend("smartstick.pools.api", 0, "0", "ftp://x"), "smartstick.pools.api.paths=/api/**"),
				"smartstick.pools.api.backends[0].url", "does not use http or https", "http://localhost:5000");
	}

	@Test
	void poolNameThatIsNotARouteIdIsRejected() {
		assertOnly(violations(backend("smartstick.pools[my.pool]", 0, "0", "http://127.0.0.1:5000"),
				"smartstick.pools[my.pool].paths=/my/**"), "smartstick.pools[my.pool]", "is not a usable pool name",
				"letters, digits, - and _");
	}

	@Test
	void poolNameWithCapitalsAndUnderscoresIsUsable() {
		PoolDefinition pool = create(backend("smartstick.pools[Chat_Servers]", 0, "0", "http://127.0.0.1:5000"),
				"smartstick.pools[Chat_Servers].paths=/chat/**",
				"smartstick.pools[Chat_Servers].health.rise=3").get(0);
		assertThat(pool.name()).isEqualTo("Chat_Servers");
		assertThat(pool.cookie().name()).isEqualTo("X-Backend-ID-Chat_Servers");
		assertThat(pool.healthChecks().rise()).isEqualTo(3);
	}

	@Test
	void poolClaimingNoRequestIsRejected() {
		assertOnly(violations(backend("smartstick.pools.api", 0, "0", "http://127.0.0.1:5000")), "smartstick.pools.api",
				"claims no request", "smartstick.pools.api.paths", "smartstick.pools.api.hosts");
	}

	@Test
	void poolWithoutBackendsIsRejected() {
		assertOnly(violations("smartstick.pools.api.paths=/api/**"), "smartstick.pools.api.backends",
				"the pool has no backend", "smartstick.pools.api.backends[0].url=http://localhost:5000");
	}

	@Test
	void poolNamedDefaultBesideTopLevelBackendsIsRejected() {
		List<ConfigurationViolation> violations = violations(backend("smartstick", 0, "0", "http://127.0.0.1:5000"),
				backend("smartstick.pools.default", 0, "0", "http://127.0.0.1:5001"));
		assertThat(violations).filteredOn((violation) -> violation.property().equals("smartstick.pools.default"))
			.singleElement()
			.satisfies((violation) -> {
				assertThat(violation.problem()).contains("configures the default pool");
				assertThat(violation.fix()).contains("Rename the pool");
			});
	}

	@Test
	void pathPatternNotStartingWithSlashIsRejected() {
		assertOnly(violations(apiPool(), "smartstick.pools.api.paths[1]=api/**"), "smartstick.pools.api.paths[1]",
				"does not start with /", "/api/**");
	}

	@Test
	void unparseablePathPatternIsRejected() {
		assertOnly(violations(apiPool(), "smartstick.pools.api.paths[1]=/users/{id"), "smartstick.pools.api.paths[1]",
				"is not a valid path pattern", "/users/{id}");
	}

	@Test
	void emptyPathPatternIsRejected() {
		assertOnly(violations(apiPool(), "smartstick.pools.api.paths[1]= "), "smartstick.pools.api.paths[1]",
				"is empty", "/api/**");
	}

	@Test
	void emptyHostPatternIsRejected() {
		assertOnly(violations(apiPool(), "smartstick.pools.api.hosts[0]="), "smartstick.pools.api.hosts[0]",
				"is empty", "shop.example.com");
	}

	@Test
	void hostPatternWithSchemeIsRejected() {
		assertOnly(violations(apiPool(), "smartstick.pools.api.hosts[0]=https://shop.example.com"),
				"smartstick.pools.api.hosts[0]", "is not a host pattern", "without scheme or path");
	}

	@Test
	void poolsWithIdenticalPredicatesAreRejected() {
		assertOnly(violations(namedPool("one", "/a/**"), "smartstick.pools.one.paths[1]=/b/**",
				"smartstick.pools.one.hosts=Shop.example.com", namedPool("two", "/b/**"),
				"smartstick.pools.two.paths[1]=/a/**", "smartstick.pools.two.hosts=shop.example.com"),
				"smartstick.pools.two.paths", "claims the same requests as smartstick.pools.one", "other paths or hosts");
	}

	@Test
	void poolsSharingPathsButNotHostsAreAccepted() {
		assertThat(create(namedPool("one", "/a/**"), namedPool("two", "/a/**"), "smartstick.pools.two.hosts=shop.example.com"))
			.hasSize(2);
	}

	@Test
	void blankFilterIsRejected() {
		assertOnly(violations(apiPool(), "smartstick.pools.api.filters[0]=StripPrefix=1",
				"smartstick.pools.api.filters[1]= "), "smartstick.pools.api.filters[1]", "is empty", "StripPrefix=1");
	}

	@Test
	void filterNotShapedNameEqualsArgumentsIsRejected() {
		assertOnly(violations(apiPool(), "smartstick.pools.api.filters[0]==1"), "smartstick.pools.api.filters[0]",
				"is not a Gateway filter definition", "StripPrefix=1");
		assertOnly(violations(apiPool(), "smartstick.pools.api.filters[0]=Strip Prefix=1"),
				"smartstick.pools.api.filters[0]", "is not a Gateway filter definition", "StripPrefix=1");
	}

	@Test
	void filterWithEqualsButNoArgumentsIsRejected() {
		assertOnly(violations(apiPool(), "smartstick.pools.api.filters[0]=StripPrefix="),
				"smartstick.pools.api.filters[0]", "has = but no arguments", "StripPrefix=1");
	}

	@Test
	void unknownFilterNameIsLeftToGateway() {
		assertThat(pool(create(apiPool(), "smartstick.pools.api.filters[0]=NoSuchFilter=1"), "api").filters())
			.containsExactly("NoSuchFilter=1");
	}

	@Test
	void duplicateBackendIdWithinAPoolIsRejected() {
		assertOnly(violations(apiPool(), backend("smartstick.pools.api", 1, "0", "http://127.0.0.1:5001")),
				"smartstick.pools.api.backends[1].id", "duplicates the id of smartstick.pools.api.backends[0]",
				"unique id");
	}

	@Test
	void sameBackendIdInTwoPoolsIsAccepted() {
		List<PoolDefinition> pools = create(backend("smartstick", 0, "0", "http://127.0.0.1:5000"), apiPool());
		assertThat(pools).extracting((pool) -> pool.backends().get(0).idValue()).containsExactly("0", "0");
	}

	@Test
	void twoPoolsWithTheSameCookieNameAreRejected() {
		assertOnly(violations(backend("smartstick", 0, "0", "http://127.0.0.1:5000"), apiPool(),
				"smartstick.pools.api.sticky.cookie-name=x-backend-id"), "smartstick.pools.api.sticky.cookie-name",
				"is the cookie name of smartstick too", "its own cookie");
	}

	@Test
	void derivedCookieNameClashIsReportedOnThePoolWithTheDerivedName() {
		assertOnly(violations(apiPool(), namedPool("chat", "/ws/**"),
				"smartstick.pools.chat.sticky.cookie-name=X-Backend-ID-api"),
				"smartstick.pools.chat.sticky.cookie-name", "is the cookie name of smartstick.pools.api too",
				"leave it unset");
	}

	@Test
	void invalidPoolSettingIsReportedWithThePoolsPropertyName() {
		assertThat(properties(violations(apiPool(), "smartstick.pools.api.health.rise=0",
				"smartstick.pools.api.health.interval=0", "smartstick.pools.api.health.algorithm=tcp",
				"smartstick.pools.api.proxy.retries=-1", "smartstick.pools.api.sticky.cookie-name=a b",
				"smartstick.pools.api.strategy=fastest")))
			.containsExactlyInAnyOrder("smartstick.pools.api.health.rise", "smartstick.pools.api.health.interval",
					"smartstick.pools.api.health.algorithm", "smartstick.pools.api.proxy.retries",
					"smartstick.pools.api.sticky.cookie-name", "smartstick.pools.api.strategy");
	}

	@Test
	void invalidTopLevelSettingIsReportedOnceThoughPoolsInheritIt() {
		assertOnly(violations(apiPool(), namedPool("chat", "/ws/**"), "smartstick.health.fall=0"),
				"smartstick.health.fall", "must be at least 1", "Use 1");
	}

	@Test
	void serverWideSettingsCannotBeSetPerPool() {
		assertThat(properties(violations(apiPool(), "smartstick.pools.api.proxy.request-header-timeout=5s",
				"smartstick.pools.api.sticky.trusted-proxies=.*")))
			.containsExactlyInAnyOrder("smartstick.pools.api.proxy.request-header-timeout",
					"smartstick.pools.api.sticky.trusted-proxies");
	}

	@Test
	void everyProblemOfEveryPoolIsReportedAtOnce() {
		assertThat(properties(violations(backend("smartstick", 0, "0", "http://127.0.0.1:5000"),
				"smartstick.pools.api.paths=api", backend("smartstick.pools.chat", 0, "x", "http://127.0.0.1:5001"),
				"smartstick.pools.chat.filters[0]= ")))
			.containsExactlyInAnyOrder("smartstick.pools.api.paths[0]", "smartstick.pools.api.backends",
					"smartstick.pools.chat", "smartstick.pools.chat.backends[0].id",
					"smartstick.pools.chat.filters[0]");
	}

	@Test
	void healthCheckNamesAreCheckedWhenTheBeanNamesAreGiven() {
		Map<String, String> map = properties(backend("smartstick", 0, "0", "http://127.0.0.1:5000"), apiPool(),
				namedPool("chat", "/ws/**"), "smartstick.health.check=nope", "smartstick.pools.api.health.check=tcp",
				"smartstick.pools.api.backends[0].health-check=gone", "smartstick.pools.chat.health.check=missing");
		Binder binder = new Binder(new MapConfigurationPropertySource(map));
		InvalidConfigurationException failure = catchThrowableOfType(InvalidConfigurationException.class,
				() -> PoolDefinitions.create(bind(binder), binder, STRATEGIES, List.of("tcp", "redis"), (name) -> name));
		assertThat(properties(failure.getViolations())).containsExactlyInAnyOrder("smartstick.health.check",
				"smartstick.pools.api.backends[0].health-check", "smartstick.pools.chat.health.check");
		assertThat(failure.getViolations()).allSatisfy((violation) -> {
			assertThat(violation.problem()).contains("does not name a HealthCheck bean (defined: redis, tcp)");
			assertThat(violation.fix()).contains("@Bean of type io.smartstick.health.HealthCheck");
		});
	}

	@Test
	void poolHealthCheckBeanFallsBackToTheTopLevelOne() {
		Map<String, String> map = properties(apiPool(), namedPool("chat", "/ws/**"), "smartstick.health.check=tcp",
				"smartstick.pools.chat.health.check=redis");
		Binder binder = new Binder(new MapConfigurationPropertySource(map));
		List<PoolDefinition> pools = PoolDefinitions.create(bind(binder), binder, STRATEGIES, List.of("tcp", "redis"),
				(name) -> name);
		assertThat(pools).extracting((pool) -> pool.backends().get(0).healthSettings().checkBeanName())
			.containsExactly("tcp", "redis");
	}

	@Test
	void poolSettingsAreReadFromEnvironmentVariables() {
		Map<String, Object> variables = Map.of("SMARTSTICK_POOLS_API_PATHS", "/api/**",
				"SMARTSTICK_POOLS_API_BACKENDS_0_ID", "0", "SMARTSTICK_POOLS_API_BACKENDS_0_URL",
				"http://127.0.0.1:5000", "SMARTSTICK_HEALTH_RISE", "2", "SMARTSTICK_HEALTH_FALL", "5",
				"SMARTSTICK_POOLS_API_HEALTH_FALL", "3", "SMARTSTICK_POOLS_API_STICKY_COOKIE_NAME", "API");
		Binder binder = new Binder(
				ConfigurationPropertySources.from(new SystemEnvironmentPropertySource("systemEnvironment", variables)));
		PoolDefinition api = PoolDefinitions.create(bind(binder), binder, STRATEGIES).get(0);
		assertThat(api.name()).isEqualTo("api");
		assertThat(api.healthChecks().rise()).isEqualTo(2);
		assertThat(api.healthChecks().fall()).isEqualTo(3);
		assertThat(api.cookie().name()).isEqualTo("API");
	}

	@Test
	void backendDefinitionsStillValidateOnlyTheTopLevel() {
		Map<String, String> map = properties(backend("smartstick", 0, "0", "http://127.0.0.1:5000"), apiPool());
		List<Backend> backends = BackendDefinitions.create(bind(new Binder(new MapConfigurationPropertySource(map))),
				"smart-stick", STRATEGIES);
		assertThat(backends).extracting(Backend::getServiceId).containsExactly("smart-stick");
	}

	private static String[] apiPool() {
		return namedPool("api", "/api/**");
	}

	private static String[] namedPool(String name, String path) {
		String prefix = "smartstick.pools." + name;
		return concat(backend(prefix, 0, "0", "http://127.0.0.1:5000"), prefix + ".paths[0]=" + path);
	}

	private static String[] backend(String prefix, int index, String id, String url) {
		String backend = prefix + ".backends[" + index + "].";
		return new String[] { backend + "id=" + id, backend + "url=" + url };
	}

	private static PoolDefinition pool(List<PoolDefinition> pools, String name) {
		return pools.stream().filter((pool) -> pool.name().equals(name)).findFirst().orElseThrow();
	}

	private static List<PoolDefinition> create(String[] properties) {
		return create((Object[]) properties);
	}

	private static List<PoolDefinition> create(Object... properties) {
		Binder binder = new Binder(new MapConfigurationPropertySource(properties(properties)));
		return PoolDefinitions.create(bind(binder), binder, STRATEGIES);
	}

	private static List<ConfigurationViolation> violations(String[] properties) {
		return violations((Object[]) properties);
	}

	private static List<ConfigurationViolation> violations(Object... properties) {
		InvalidConfigurationException failure = catchThrowableOfType(InvalidConfigurationException.class,
				() -> create(properties));
		assertThat(failure).as("configuration is invalid").isNotNull();
		return failure.getViolations();
	}

	private static void assertOnly(List<ConfigurationViolation> violations, String property, String problem,
			String... fix) {
		assertThat(violations).singleElement().satisfies((violation) -> {
			assertThat(violation.property()).isEqualTo(property);
			assertThat(violation.problem()).contains(problem);
			assertThat(violation.fix()).contains(fix);
		});
	}

	private static List<String> properties(List<ConfigurationViolation> violations) {
		return violations.stream().map(ConfigurationViolation::property).toList();
	}

	private static SmartStickProperties bind(Binder binder) {
		return binder.bindOrCreate(SmartStickProperties.PREFIX, SmartStickProperties.class);
	}

	private static Map<String, String> properties(Object... properties) {
		Map<String, String> map = new LinkedHashMap<>();
		for (String property : concat(properties)) {
			int equals = property.indexOf('=');
			map.put(property.substring(0, equals), property.substring(equals + 1));
		}
		return map;
	}

	private static String[] concat(Object... parts) {
		return java.util.Arrays.stream(parts)
			.flatMap((part) -> (part instanceof String[] array) ? java.util.Arrays.stream(array)
					: java.util.stream.Stream.of((String) part))
			.toArray(String[]::new);
	}

}
