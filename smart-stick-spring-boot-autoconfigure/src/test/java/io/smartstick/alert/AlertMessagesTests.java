package io.smartstick.alert;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendStateChange;
import io.smartstick.health.BackendStateChangedEvent;
import io.smartstick.test.Backends;
import org.junit.jupiter.api.Test;

import org.springframework.mail.SimpleMailMessage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AlertMessages}.
 */
class AlertMessagesTests {

	private static final Backend BACKEND = new Backend("svc", 1, URI.create("http://host:5001"), 1,
			"ops@example.com", Backends.DEFAULT_HEALTH);

	private static final Instant TIME = Instant.parse("2025-03-01T10:15:30.123456Z");

	private final AlertMessages messages = new AlertMessages("LB <lb@example.com>", "[smart-stick]", () -> "lb-1");

	@Test
	void downMailNamesBackendStateCauseTimeAndInstance() {
		SimpleMailMessage message = this.messages.build(event(false, "HTTP 503 from /health"), 0);
		assertThat(message.getTo()).containsExactly("ops@example.com");
		assertThat(message.getFrom()).isEqualTo("LB <lb@example.com>");
		assertThat(message.getSubject()).isEqualTo("[smart-stick] Backend 1 (http://host:5001) is DOWN");
		assertThat(message.getText()).isEqualTo("""
				Backend 1 (http://host:5001) is down and takes no traffic.

				Backend:       1
				URL:           http://host:5001
				State:         DOWN (was UP)
				Cause:         HTTP 503 from /health
				Time:          2025-03-01T10:15:30.123Z
				Load balancer: lb-1
				""");
	}

	@Test
	void recoveryMailSaysRecovered() {
		SimpleMailMessage message = this.messages.build(event(true, "HTTP 200 from /health"), 0);
		assertThat(message.getSubject()).isEqualTo("[smart-stick] Backend 1 (http://host:5001) has RECOVERED");
		assertThat(message.getText()).startsWith("Backend 1 (http://host:5001) has recovered and takes traffic again.")
			.contains("State:         UP (was DOWN)\n", "Cause:         HTTP 200 from /health\n");
	}

	@Test
	void heldBackChangesAreMentioned() {
		assertThat(this.messages.build(event(false, "connection refused"), 1).getText())
			.endsWith("\n1 earlier change was not mailed (smartstick.alerts.min-interval).\n");
		assertThat(this.messages.build(event(false, "connection refused"), 3).getText())
			.endsWith("\n3 earlier changes were not mailed (smartstick.alerts.min-interval).\n");
	}

	@Test
	void summaryTellsTheStateAndHowOftenItChanged() {
		SimpleMailMessage message = this.messages.summary(event(true, "HTTP 200 from /health"), 6,
				Duration.ofMinutes(1));
		assertThat(message.getTo()).containsExactly("ops@example.com");
		assertThat(message.getSubject())
			.isEqualTo("[smart-stick] Backend 1 (http://host:5001) is UP; it changed 6 times in the last 60 s");
		assertThat(message.getText()).isEqualTo("""
				Backend 1 (http://host:5001) is up and takes traffic; it changed 6 times in the last 60 s.

				Backend:       1
				URL:           http://host:5001
				State:         UP
				Cause:         HTTP 200 from /health
				Time:          2025-03-01T10:15:30.123Z
				Load balancer: lb-1

				Changes within smartstick.alerts.min-interval (60 s) of an earlier mail are held back; this mail tells \
				the state at the end of it.
				""");
	}

	@Test
	void summaryOfAWindowWithoutChangesTellsOnlyTheState() {
		SimpleMailMessage message = this.messages.summary(event(false, "connection refused"), 0,
				Duration.ofMinutes(5));
		assertThat(message.getSubject()).isEqualTo("[smart-stick] Backend 1 (http://host:5001) is DOWN");
		assertThat(message.getText()).startsWith("Backend 1 (http://host:5001) is down and takes no traffic.\n")
			.contains("(5 min)");
	}

	@Test
	void durationsAreWrittenAsPeopleSayThem() {
		assertThat(AlertMessages.describe(Duration.ofMillis(1500))).isEqualTo("1500 ms");
		assertThat(AlertMessages.describe(Duration.ofSeconds(90))).isEqualTo("90 s");
		assertThat(AlertMessages.describe(Duration.ofMinutes(2))).isEqualTo("2 min");
		assertThat(AlertMessages.describe(Duration.ofSeconds(150))).isEqualTo("150 s");
		assertThat(AlertMessages.describe(Duration.ofHours(1))).isEqualTo("1 h");
	}

	@Test
	void emptyPrefixAndNoSenderAreLeftOut() {
		AlertMessages messages = new AlertMessages(null, "", () -> "lb-1");
		SimpleMailMessage message = messages.build(event(false, "timeout after 2000 ms"), 0);
		assertThat(message.getFrom()).isNull();
		assertThat(message.getSubject()).isEqualTo("Backend 1 (http://host:5001) is DOWN");
		assertThat(message.getText()).contains("Cause:         timeout after 2000 ms\n");
	}

	@Test
	void commaSeparatedOwnersAreEachRecipients() {
		Backend backend = new Backend("svc", 1, URI.create("http://host:5001"), 1, "a@example.com, b@example.com",
				Backends.DEFAULT_HEALTH);
		BackendStateChangedEvent event = new BackendStateChangedEvent(this,
				new BackendStateChange(backend, true, false, "connection refused", TIME));
		assertThat(this.messages.build(event, 0).getTo()).containsExactly("a@example.com", "b@example.com");
	}

	private BackendStateChangedEvent event(boolean healthy, String cause) {
		return new BackendStateChangedEvent(this, new BackendStateChange(BACKEND, !healthy, healthy, cause, TIME));
	}

}
