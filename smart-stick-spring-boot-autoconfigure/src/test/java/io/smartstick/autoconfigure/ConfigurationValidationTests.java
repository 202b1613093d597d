package io.smartstick.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.HealthSettings;
import io.smartstick.config.ConfigurationViolation;
import io.smartstick.config.InvalidConfigurationException;
import io.smartstick.config.PoolDefinitions;
import io.smartstick.config.SmartStickProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests that invalid configuration fails start-up with an analysis naming the property
 * and the fix, and that valid configuration binds as documented.
 */
class ConfigurationValidationTests {

	private static final String URL_FIX = "http://localhost:5000";

	private static final String ID_FIX = "unique non-negative integer";

	private static final String DURATION_FIX = "positive duration";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SmartStickAutoConfiguration.class));

	@Test
	void noBackendsFailsStartup() {
		Failure failure = failure();
		failure.assertOnly("smartstick.backends", "is empty", "Add at least one backend");
	}

	@Test
	void duplicateIdFailsStartupNamingBothBackends() {
		Failure failure = failure(backend(0, "3", "http://127.0.0.1:5000"), backend(1, "3", "http://127.0.0.1:5001"));
		failure.assertOnly("smartstick.backends[1].id", "duplicates the id of smartstick.backends[0]",
				"unique id");
		assertThat(failure.analysis().getDescription()).contains("Value: \"3\"");
	}

	@Test
	void missingIdFailsStartup() {
		failure(new String[] { "smartstick.backends[0].url=http://127.0.0.1:5000" })
			.assertOnly("smartstick.backends[0].id", "is missing", ID_FIX);
	}

	@Test
	void nonNumericIdFailsStartup() {
		failure(backend(0, "abc", "http://127.0.0.1:5000")).assertOnly("smartstick.backends[0].id",
				"Value: \"abc\"", ID_FIX);
	}

	@Test
	void negativeIdFailsStartup() {
		failure(backend(0, "-1", "http://127.0.0.1:5000")).assertOnly("smartstick.backends[0].id",
				"Value: \"-1\"", ID_FIX);
	}

	@Test
	void fractionalIdFailsStartup() {
		failure(backend(0, "1.5", "http://127.0.0.1:5000")).assertOnly("smartstick.backends[0].id",
				"Value: \"1.5\"", ID_FIX);
	}

	@Test
	void missingUrlFailsStartup() {
		failure(new String[] { "smartstick.backends[0].id=0" }).assertOnly("smartstick.backends[0].url",
				"is missing", URL_FIX);
	}

	@Test
	void urlWithAnotherSchemeFailsStartup() {
		failure(backend(0, "0", "http://127.0.0.1:5000"), backend(1, "1", "ftp://x"))
			.assertOnly("smartstick.backends[1].url", "does not use http or https", URL_FIX);
	}

	@Test
	void urlWithoutHostFailsStartup() {
		failure(backend(0, "0", "http://")).assertOnly("smartstick.backends[0].url", "Value: \"http://\"", URL_FIX);
	}

	@Test
	void urlWithoutSchemeFailsStartup() {
		failure(backend(0, "0", "localhost:5000")).assertOnly("smartstick.backends[0].url",
				"Value: \"localhost:5000\"", URL_FIX);
	}

	@Test
	void negativeWeightFailsStartup() {
		failure(validBackend(), "smartstick.backends[0].weight=-1").assertOnly("smartstick.backends[0].weight",
				"is negative", "1 or more", "0 to drain");
	}

	@Test
	void unknownStrategyFailsStartupListingTheKnownOnes() {
		failure(validBackend(), "smartstick.strategy=fastest").assertOnly("smartstick.strategy",
				"Value: \"fastest\"", "round-robin", "least-connections", "random");
	}

	@Test
	void unknownGlobalHealthAlgorithmFailsStartupListingTheKnownOnes() {
		failure(validBackend(), "smartstick.health.algorithm=tcp").assertOnly("smartstick.health.algorithm",
				"Value: \"tcp\"", "\"http\"", "\"http-status\"");
	}

	@Test
	void unknownBackendHealthAlgorithmFailsStartupListingTheKnownOnes() {
		failure(validBackend(), "smartstick.backends[0].health-algorithm=tcp").assertOnly(
				"smartstick.backends[0].health-algorithm", "Value: \"tcp\"", "\"http\"", "\"http-status\"");
	}

	@Test
	void unknownGlobalHealthMethodFailsStartupListingTheKnownOnes() {
		failure(validBackend(), "smartstick.health.method=FETCH").assertOnly("smartstick.health.method",
				"Value: \"FETCH\"", "GET", "HEAD", "POST", "OPTIONS");
	}

	@Test
	void unknownBackendHealthMethodFailsStartupListingTheKnownOnes() {
		failure(validBackend(), "smartstick.backends[0].health-method=FETCH").assertOnly(
				"smartstick.backends[0].health-method", "Value: \"FETCH\"", "GET", "HEAD", "POST", "OPTIONS");
	}

	@Test
	void relativeDashboardPathFailsStartup() {
		failure(validBackend(), "smartstick.dashboard.path=_lb/").assertOnly("smartstick.dashboard.path",
				"does not start with /", "/_lb/");
	}

	@Test
	void dashboardPathWithoutTrailingSlashFailsStartupNamingTheFix() {
		failure(validBackend(), "smartstick.dashboard.path=/ops").assertOnly("smartstick.dashboard.path",
				"does not end with /", "Use /ops/");
	}

	@Test
	void dashboardAtTheRootFailsStartupAsItWouldHideEveryPath() {
		failure(validBackend(), "smartstick.dashboard.path=/").assertOnly("smartstick.dashboard.path",
				"would keep every path from being proxied", "smartstick.dashboard.enabled=false");
	}

	@Test
	void zeroDashboardSlowClientTimeoutFailsStartup() {
		failure(validBackend(), "smartstick.dashboard.slow-client-timeout=0")
			.assertOnly("smartstick.dashboard.slow-client-timeout", "must be positive", DURATION_FIX);
	}

	@Test
	void dashboardSettingsAreNotCheckedWhenItIsOff() {
		this.runner.withPropertyValues(concat(validBackend(), "smartstick.dashboard.enabled=false",
				"smartstick.dashboard.path=/"))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void zeroHealthIntervalFailsStartup() {
		failure(validBackend(), "smartstick.health.interval=0").assertOnly("smartstick.health.interval",
				"must be positive", DURATION_FIX);
	}

	@Test
	void negativeHealthIntervalFailsStartup() {
		failure(validBackend(), "smartstick.health.interval=-5").assertOnly("smartstick.health.interval",
				"must be positive", DURATION_FIX);
	}

	@Test
	void durationIsReportedAsWritten() {
		Failure failure = failure(validBackend(), "smartstick.health.interval=-1");
		failure.assertOnly("smartstick.health.interval", "Value: \"-1\"", DURATION_FIX);
		assertThat(failure.analysis().getDescription()).doesNotContain("PT-").contains("Origin: ");
	}

	@Test
	void zeroHealthTimeoutFailsStartup() {
		failure(validBackend(), "smartstick.health.timeout=0").assertOnly("smartstick.health.timeout",
				"must be positive", DURATION_FIX);
	}

	@Test
	void zeroBackendHealthTimeoutFailsStartup() {
		failure(validBackend(), "smartstick.backends[0].health-timeout=0")
			.assertOnly("smartstick.backends[0].health-timeout", "must be positive", DURATION_FIX);
	}

	@Test
	void zeroMaxConcurrentChecksFailsStartup() {
		failure(validBackend(), "smartstick.health.max-concurrent-checks=0").assertOnly(
				"smartstick.health.max-concurrent-checks", "must be at least 1", "positive number such as 64",
				"leave it unset for no limit");
	}

	@Test
	void maxConcurrentChecksIsUnsetByDefault() {
		this.runner.withPropertyValues(validBackend()).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(SmartStickProperties.class).getHealth().getMaxConcurrentChecks()).isNull();
		});
	}

	@Test
	void zeroWebSocketIdleTimeoutFailsStartup() {
		failure(validBackend(), "smartstick.proxy.websocket-idle-timeout=0").assertOnly(
				"smartstick.proxy.websocket-idle-timeout", "must be positive", "positive duration such as 1h",
				"leave it unset");
	}

	@Test
	void webSocketIdleTimeoutIsUnsetByDefaultAndTakesMillisecondsWithoutUnit() {
		this.runner.withPropertyValues(validBackend()).run((context) -> assertThat(
				context.getBean(SmartStickProperties.class).getProxy().getWebsocketIdleTimeout())
			.isNull());
		this.runner.withPropertyValues(concat(validBackend(), "smartstick.proxy.websocket-idle-timeout=1500"))
			.run((context) -> assertThat(
					context.getBean(SmartStickProperties.class).getProxy().getWebsocketIdleTimeout())
				.isEqualTo(Duration.ofMillis(1500)));
	}

	@Test
	void globalHealthPathWithoutLeadingSlashFailsStartup() {
		failure(validBackend(), "smartstick.health.path=health").assertOnly("smartstick.health.path",
				"does not start with /", "/health");
	}

	@Test
	void backendHealthPathWithoutLeadingSlashFailsStartup() {
		failure(validBackend(), "smartstick.backends[0].health-path=ping")
			.assertOnly("smartstick.backends[0].health-path", "does not start with /", "/health");
	}

	@Test
	void everyProblemIsReportedAtOnce() {
		Failure failure = failure(backend(0, "0", "ftp://x"), "smartstick.strategy=fastest");
		assertThat(failure.properties()).containsExactlyInAnyOrder("smartstick.backends[0].url",
				"smartstick.strategy");
		failure.assertReports("smartstick.backends[0].url", "does not use http or https", URL_FIX);
		failure.assertReports("smartstick.strategy", "is not a known balancing strategy", "round-robin");
	}

	@Test
	void failureAnalyzerIsRegistered() {
		// other analyzers need constructor arguments; only ours matters here
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation(getClass().getClassLoader())
			.load(FailureAnalyzer.class, ArgumentResolver.of(Environment.class, new MockEnvironment()),
					(factoryType, implementationName, failure) -> {
			});
		assertThat(analyzers).hasAtLeastOneElementOfType(InvalidConfigurationFailureAnalyzer.class);
	}

	@Test
	void healthDurationsWithoutUnitAreMilliseconds() {
		assertHealthInterval("10000", Duration.ofSeconds(10));
		assertHealthInterval("2500", Duration.ofMillis(2500));
	}

	@Test
	void healthDurationsAcceptAUnit() {
		assertHealthInterval("10s", Duration.ofSeconds(10));
		assertHealthInterval("3m", Duration.ofMinutes(3));
	}

	@Test
	void backendHealthSettingsFallBackToTheGlobalOnes() {
		this.runner.withPropertyValues(concat(backend(0, "0", "http://127.0.0.1:5000"),
				backend(1, "1", "http://127.0.0.1:5001"), "smartstick.health.path=/health",
				"smartstick.health.method=head", "smartstick.health.algorithm=HTTP", "smartstick.health.timeout=3s",
				"smartstick.health.headers.X-Token=global", "smartstick.backends[1].health-path=/ping",
				"smartstick.backends[1].health-method=POST", "smartstick.backends[1].health-algorithm=http-status",
				"smartstick.backends[1].health-timeout=500", "smartstick.backends[1].health-headers.X-Own=own"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				BackendRegistry registry = context.getBean(BackendRegistry.class);
				HealthSettings inherited = registry.find(0).healthSettings();
				assertThat(inherited.path()).isEqualTo("/health");
				assertThat(inherited.method()).isEqualTo("HEAD");
				assertThat(inherited.algorithm()).isEqualTo("http");
				assertThat(inherited.timeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(inherited.headers()).containsExactlyEntriesOf(Map.of("X-Token", "global"));
				HealthSettings own = registry.find(1).healthSettings();
				assertThat(own.path()).isEqualTo("/ping");
				assertThat(own.method()).isEqualTo("POST");
				assertThat(own.algorithm()).isEqualTo("http-status");
				assertThat(own.timeout()).isEqualTo(Duration.ofMillis(500));
				assertThat(own.headers()).containsExactlyEntriesOf(Map.of("X-Own", "own"));
			});
	}

	@Test
	void invalidPoolPropertyIsExplainedWithItsValueAndFix() {
		MockEnvironment environment = new MockEnvironment().withProperty("smartstick.pools.api.paths", "/api/**")
			.withProperty("smartstick.pools.api.backends[0].id", "0")
			.withProperty("smartstick.pools.api.backends[0].url", "ftp://x")
			.withProperty("smartstick.pools.api.filters[0]", "Strip Prefix");
		Binder binder = Binder.get(environment);
		SmartStickProperties properties = binder.bindOrCreate(SmartStickProperties.PREFIX, SmartStickProperties.class);
		InvalidConfigurationException exception = catchThrowableOfType(InvalidConfigurationException.class,
				() -> PoolDefinitions.create(properties, binder, List.of("round-robin")));
		FailureAnalysis analysis = new InvalidConfigurationFailureAnalyzer(environment).analyze(exception);
		Failure failure = new Failure(
				exception.getViolations().stream().map(ConfigurationViolation::property).toList(), analysis);
		assertThat(failure.properties()).containsExactlyInAnyOrder("smartstick.pools.api.backends[0].url",
				"smartstick.pools.api.filters[0]");
		failure.assertReports("smartstick.pools.api.backends[0].url", "does not use http or https", URL_FIX);
		failure.assertReports("smartstick.pools.api.filters[0]", "is not a Gateway filter definition",
				"StripPrefix=1");
		assertThat(analysis.getDescription()).contains("Value: \"ftp://x\"").contains("Value: \"Strip Prefix\"");
	}

	@Test
	void entryFieldSetOnlyInAListThatAnotherSourceReplacesIsExplained() {
		// the command line's list replaces application.yml's whole: its entry has no id
		MockEnvironment environment = new MockEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("commandLineArgs",
					Map.of("smartstick.backends[0].url", "http://127.0.0.1:5000")));
		environment.getPropertySources()
			.addLast(new MapPropertySource("application.yml",
					Map.of("smartstick.backends[0].id", "0", "smartstick.backends[0].url", "http://127.0.0.1:6000")));
		Binder binder = Binder.get(environment);
		SmartStickProperties properties = binder.bindOrCreate(SmartStickProperties.PREFIX, SmartStickProperties.class);
		InvalidConfigurationException exception = catchThrowableOfType(InvalidConfigurationException.class,
				() -> PoolDefinitions.create(properties, binder, List.of("round-robin")));
		FailureAnalysis analysis = new InvalidConfigurationFailureAnalyzer(environment).analyze(exception);
		assertThat(analysis.getDescription()).contains("smartstick.backends[0].id is missing")
			.contains("a list is taken whole from the source of highest precedence")
			.contains("'commandLineArgs'")
			.doesNotContain("Value: \"0\"");
		assertThat(analysis.getAction()).contains("Set it in 'commandLineArgs' too");
	}

	private void assertHealthInterval(String value, Duration expected) {
		this.runner.withPropertyValues(concat(validBackend(), "smartstick.health.interval=" + value))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(SmartStickProperties.class).getHealth().getInterval()).as(value)
					.isEqualTo(expected);
			});
	}

	@Test
	void secretAndSecretsTogetherFailStartupNamingBoth() {
		failure(backend(0, "0", "http://127.0.0.1:5000"), "smartstick.sticky.secret=one",
				"smartstick.sticky.secrets=two,three")
			.assertOnly("smartstick.sticky.secret", "is set together with smartstick.sticky.secrets",
					"Set only one");
	}

	@Test
	void poolSecretsReplaceTheInheritedSecret() {
		this.runner
			.withPropertyValues("smartstick.backends[0].id=0", "smartstick.backends[0].url=http://127.0.0.1:5000",
					"smartstick.sticky.secret=one", "smartstick.pools.api.paths=/api/**",
					"smartstick.pools.api.backends[0].id=0", "smartstick.pools.api.backends[0].url=http://127.0.0.1:5001",
					"smartstick.pools.api.sticky.secrets=two,three")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void emptySecretInTheListFailsStartup() {
		failure(backend(0, "0", "http://127.0.0.1:5000"), "smartstick.sticky.secrets[0]=two",
				"smartstick.sticky.secrets[1]= ")
			.assertOnly("smartstick.sticky.secrets[1]", "is empty", "Give every secret a value");
	}

	@Test
	void backendsAndDiscoveryInOnePoolFailStartupNamingBoth() {
		failure(backend(0, "0", "http://127.0.0.1:5000"), "smartstick.discovery.service-id=shop").assertOnly(
				"smartstick.discovery.service-id", "is set together with smartstick.backends",
				"Take the pool's backends from one source");
	}

	@Test
	void namedPoolWithBackendsAndDiscoveryFailsStartupNamingBoth() {
		failure(backend(0, "0", "http://127.0.0.1:5000"), "smartstick.pools.api.paths=/api/**",
				"smartstick.pools.api.backends[0].id=0", "smartstick.pools.api.backends[0].url=http://127.0.0.1:5001",
				"smartstick.pools.api.discovery.service-id=api")
			.assertOnly("smartstick.pools.api.discovery.service-id", "is set together with smartstick.pools.api.backends",
					"remove smartstick.pools.api.backends");
	}

	@Test
	void nonPositiveDrainTimeoutFailsStartup() {
		failure(backend(0, "0", "http://127.0.0.1:5000"), "smartstick.drain-timeout=0s")
			.assertOnly("smartstick.drain-timeout", "Value: \"0s\"", DURATION_FIX);
	}

	private Failure failure(String[] first, Object... more) {
		return failure(concat(first, more));
	}

	private Failure failure(String... properties) {
		List<Failure> failures = new ArrayList<>();
		List<Environment> environment = new ArrayList<>();
		this.runner.withPropertyValues(properties)
			.withInitializer((context) -> environment.add(context.getEnvironment()))
			.run((context) -> {
			assertThat(context).hasFailed();
			Throwable startupFailure = context.getStartupFailure();
			assertThat(startupFailure).hasRootCauseInstanceOf(InvalidConfigurationException.class);
			Throwable root = startupFailure;
			while (root.getCause() != null) {
				root = root.getCause();
			}
			List<String> violated = ((InvalidConfigurationException) root).getViolations()
				.stream()
				.map(ConfigurationViolation::property)
				.toList();
			FailureAnalysis analysis = new InvalidConfigurationFailureAnalyzer(environment.get(0))
				.analyze(startupFailure);
			assertThat(analysis).isNotNull();
			failures.add(new Failure(violated, analysis));
		});
		assertThat(failures).hasSize(1);
		return failures.get(0);
	}

	private static String[] validBackend() {
		return backend(0, "0", "http://127.0.0.1:5000");
	}

	private static String[] backend(int index, String id, String url) {
		String prefix = "smartstick.backends[" + index + "].";
		return new String[] { prefix + "id=" + id, prefix + "url=" + url };
	}

	private static String[] concat(Object... parts) {
		List<String> properties = new ArrayList<>();
		flatten(parts, properties);
		return properties.toArray(new String[0]);
	}

	private static void flatten(Object part, List<String> properties) {
		if (part instanceof Object[] array) {
			for (Object element : array) {
				flatten(element, properties);
			}
		}
		else {
			properties.add((String) part);
		}
	}

	/**
	 * A start-up failure: the properties it reports and the failure analysis.
	 */
	private record Failure(List<String> properties, FailureAnalysis analysis) {

		/**
		 * Assert that the property is the only one reported, with the problem in the
		 * description and the fix in the action.
		 */
		void assertOnly(String property, String problem, String... fix) {
			assertThat(this.properties).containsExactly(property);
			assertReports(property, problem, fix);
		}

		void assertReports(String property, String problem, String... fix) {
			String description = this.analysis.getDescription();
			int start = description.indexOf("Property: " + property + "\n");
			assertThat(start).as("description names %s:%n%s", property, description).isNotNegative();
			int end = description.indexOf("\n\n", start);
			String entry = description.substring(start, (end != -1) ? end : description.length());
			assertThat(entry).contains("Reason: " + property + " ").contains(problem);
			String action = this.analysis.getAction();
			int actionStart = action.indexOf("\n    " + property + ": ");
			assertThat(actionStart).as("action names %s:%n%s", property, action).isNotNegative();
			int actionEnd = action.indexOf('\n', actionStart + 1);
			String fixLine = action.substring(actionStart + 1, (actionEnd != -1) ? actionEnd : action.length());
			assertThat(fixLine).contains(fix);
		}

	}

}
