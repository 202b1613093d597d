package io.smartstick.alert;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AlertThrottle}.
 */
class AlertThrottleTests {

	private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

	@Test
	void changesWithinMinIntervalAreHeldBackAndCounted() {
		AlertThrottle throttle = new AlertThrottle(Duration.ofMinutes(1));
		assertThat(throttle.acquire(1, T0)).isZero();
		assertThat(throttle.acquire(1, T0.plusSeconds(10))).isEqualTo(-1);
		assertThat(throttle.acquire(1, T0.plusSeconds(59))).isEqualTo(-1);
		assertThat(throttle.acquire(1, T0.plusSeconds(60))).isEqualTo(2);
		assertThat(throttle.acquire(1, T0.plusSeconds(61))).isEqualTo(-1);
		assertThat(throttle.acquire(1, T0.plusSeconds(120))).isEqualTo(1);
	}

	@Test
	void backendsAreThrottledIndependently() {
		AlertThrottle throttle = new AlertThrottle(Duration.ofMinutes(1));
		assertThat(throttle.acquire(1, T0)).isZero();
		assertThat(throttle.acquire(2, T0.plusSeconds(1))).isZero();
		assertThat(throttle.acquire(1, T0.plusSeconds(2))).isEqualTo(-1);
	}

	@Test
	void zeroMinIntervalLetsEveryChangeThrough() {
		AlertThrottle throttle = new AlertThrottle(Duration.ZERO);
		assertThat(throttle.acquire(1, T0)).isZero();
		assertThat(throttle.acquire(1, T0)).isZero();
		assertThat(throttle.acquire(1, T0.minusMillis(1))).isZero();
	}

}
