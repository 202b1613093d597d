package io.smartstick.config;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SmartStickDefaultsEnvironmentPostProcessor}.
 */
class SmartStickDefaultsEnvironmentPostProcessorTests {

	private final SmartStickDefaultsEnvironmentPostProcessor postProcessor =
			new SmartStickDefaultsEnvironmentPostProcessor();

	@Test
	void addsTheDefaultsTheRequestPathNeeds() {
		StandardEnvironment environment = postProcess(Map.of());
		assertThat(environment.getProperty("spring.cloud.gateway.server.webflux.trusted-proxies"))
			.as("loopback and private addresses, as smartstick.sticky.trusted-proxies")
			.isEqualTo(new SmartStickProperties.Sticky().getTrustedProxies())
			.matches((regex) -> "127.0.0.1".matches(regex) && "10.1.2.3".matches(regex) && "::1".matches(regex)
					&& !"203.0.113.7".matches(regex));
		assertThat(environment.getProperty("spring.cloud.gateway.server.webflux.forwarded.enabled")).isEqualTo("false");
		assertThat(environment.getProperty("spring.cloud.gateway.server.webflux.observability.enabled"))
			.isEqualTo("false");
		assertThat(environment.getProperty("spring.cloud.gateway.server.webflux.metrics.enabled")).isEqualTo("false");
		assertThat(environment.getProperty("management.observations.enable.http.server.requests")).isEqualTo("false");
		assertThat(environment.getProperty("server.http2.enabled")).isEqualTo("false");
		assertThat(environment.getProperty("spring.cloud.gateway.server.webflux.route-filter-cache-enabled"))
			.isEqualTo("true");
		assertThat(Binder.get(environment)
			.bind("spring.cloud.gateway.server.webflux.httpclient.pool.max-idle-time", Duration.class)
			.get()).isEqualTo(Duration.ofSeconds(4));
		assertThat(environment.getProperty("server.netty.idle-timeout")).isEqualTo("60s");
		assertThat(environment.getProperty("management.health.mail.enabled")).isEqualTo("false");
		assertThat(environment.getProperty("spring.mail.properties[mail.smtp.timeout]")).isEqualTo("10000");
	}

	@Test
	void everyValueTheUserSetsWins() {
		StandardEnvironment environment = postProcess(Map.of("management.observations.enable.http.server.requests",
				"true", "spring.cloud.gateway.server.webflux.httpclient.pool.max-idle-time", "30s",
				"spring.cloud.gateway.server.webflux.trusted-proxies", "10\\..*"));
		assertThat(environment.getProperty("management.observations.enable.http.server.requests")).isEqualTo("true");
		assertThat(environment.getProperty("spring.cloud.gateway.server.webflux.httpclient.pool.max-idle-time"))
			.isEqualTo("30s");
		assertThat(environment.getProperty("spring.cloud.gateway.server.webflux.trusted-proxies")).isEqualTo("10\\..*");
	}

	@Test
	void gatewayTrustsTheProxiesSmartStickTrusts() {
		StandardEnvironment environment = postProcess(Map.of("smartstick.sticky.trusted-proxies", "10\\.0\\.0\\.1"));
		assertThat(environment.getProperty("spring.cloud.gateway.server.webflux.trusted-proxies"))
			.isEqualTo("10\\.0\\.0\\.1");
	}

	@Test
	void addsNothingWhenSmartStickIsDisabled() {
		StandardEnvironment environment = postProcess(Map.of("smartstick.enabled", "false"));
		assertThat(environment.getPropertySources()
			.contains(SmartStickDefaultsEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isFalse();
		assertThat(environment.getProperty("spring.cloud.gateway.server.webflux.metrics.enabled")).isNull();
	}

	private StandardEnvironment postProcess(Map<String, Object> userProperties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("user", userProperties));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		return environment;
	}

}
