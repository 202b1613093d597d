package io.smartstick.alert;

import java.time.Duration;

import io.smartstick.alert.AlertThrottle.Verdict;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AlertThrottle}.
 */
class AlertThrottleTests {

	private final AlertThrottle throttle = new AlertThrottle(Duration.ofMinutes(1));

	@Test
	void firstChangeAndTheOneRevertingItAreMailedAtOnce() {
		assertThat(this.throttle.changed()).isEqualTo(Verdict.MAIL_AND_OPEN_WINDOW);
		assertThat(this.throttle.changed()).isEqualTo(Verdict.MAIL);
		assertThat(this.throttle.windowEnded()).isEqualTo(new AlertThrottle.Window(2, 0));
	}

	@Test
	void furtherChangesWithinTheWindowAreHeldAndCounted() {
		this.throttle.changed();
		this.throttle.changed();
		assertThat(this.throttle.changed()).isEqualTo(Verdict.HOLD);
		assertThat(this.throttle.changed()).isEqualTo(Verdict.HOLD);
		assertThat(this.throttle.changed()).isEqualTo(Verdict.HOLD);
		assertThat(this.throttle.windowEnded()).isEqualTo(new AlertThrottle.Window(5, 3));
	}

	@Test
	void backendIsQuietAgainOnceTheWindowEnds() {
		this.throttle.changed();
		this.throttle.changed();
		this.throttle.changed();
		this.throttle.windowEnded();
		assertThat(this.throttle.changed()).isEqualTo(Verdict.MAIL_AND_OPEN_WINDOW);
		assertThat(this.throttle.changed()).isEqualTo(Verdict.MAIL);
	}

	@Test
	void windowOpenedByASummaryHoldsEveryChange() {
		this.throttle.changed();
		this.throttle.windowEnded();
		assertThat(this.throttle.summarySent()).isTrue();
		assertThat(this.throttle.changed()).isEqualTo(Verdict.HOLD);
		assertThat(this.throttle.changed()).isEqualTo(Verdict.HOLD);
		assertThat(this.throttle.windowEnded()).isEqualTo(new AlertThrottle.Window(2, 2));
	}

	@Test
	void summaryOpensNoSecondWindow() {
		this.throttle.changed();
		assertThat(this.throttle.summarySent()).isFalse();
		assertThat(this.throttle.changed()).isEqualTo(Verdict.MAIL);
	}

	@Test
	void zeroMinIntervalMailsEveryChangeAndNeverOpensAWindow() {
		AlertThrottle throttle = new AlertThrottle(Duration.ZERO);
		for (int i = 0; i < 5; i++) {
			assertThat(throttle.changed()).isEqualTo(Verdict.MAIL);
		}
		assertThat(throttle.summarySent()).isFalse();
	}

}
