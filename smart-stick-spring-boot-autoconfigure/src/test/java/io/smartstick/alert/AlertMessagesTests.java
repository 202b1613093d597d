package io.smartstick.alert;

import java.net.URI;
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
