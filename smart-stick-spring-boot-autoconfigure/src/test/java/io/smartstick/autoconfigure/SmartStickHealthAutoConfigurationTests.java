package io.smartstick.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.smartstick.balancer.Backend;
import io.smartstick.health.HealthCheck;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SmartStickHealthAutoConfiguration}'s health check scheduler settings.
 */
class SmartStickHealthAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(SmartStickAutoConfiguration.class, SmartStickHealthAutoConfiguration.class))
		.withUserConfiguration(HangingCheckConfiguration.class)
		// every probe hangs: nothing ends within a test, so no probe is started again
		.withPropertyValues(properties(5, "smartstick.health.interval=1h", "smartstick.health.timeout=1h"));

	@Test
	void maxConcurrentChecksBoundsTheProbesInFlight() {
		this.runner.withPropertyValues("smartstick.health.max-concurrent-checks=2").run((context) -> {
			assertThat(context).hasNotFailed();
			HangingCheck check = context.getBean(HangingCheck.class);
			await().atMost(WAIT).during(Duration.ofMillis(300)).until(() -> check.started.get() == 2);
		});
	}

	@Test
	void byDefaultEveryProbeRunsAtOnce() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			HangingCheck check = context.getBean(HangingCheck.class);
			await().atMost(WAIT).until(() -> check.started.get() == 5);
		});
	}

	private static String[] properties(int backends, String... more) {
		List<String> properties = new ArrayList<>(List.of(more));
		for (int i = 0; i < backends; i++) {
			properties.add("smartstick.backends[" + i + "].id=" + i);
			// never connected to: the only check is the hanging one
			properties.add("smartstick.backends[" + i + "].url=http://127.0.0.1:" + (5000 + i));
		}
		return properties.toArray(new String[0]);
	}

	@Configuration(proxyBeanMethods = false)
	static class HangingCheckConfiguration {

		@Bean
		HangingCheck hangingCheck() {
			return new HangingCheck();
		}

	}

	/**
	 * A check that counts its probes and never answers.
	 */
	static class HangingCheck implements HealthCheck {

		final AtomicInteger started = new AtomicInteger();

		@Override
		public Mono<Boolean> isHealthy(Backend backend) {
			return Mono.defer(() -> {
				this.started.incrementAndGet();
				return Mono.never();
			});
		}

	}

}
