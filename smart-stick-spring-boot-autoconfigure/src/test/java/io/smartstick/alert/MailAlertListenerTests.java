package io.smartstick.alert;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendStateChange;
import io.smartstick.config.SmartStickProperties;
import io.smartstick.health.BackendStateChangedEvent;
import io.smartstick.test.Backends;
import org.junit.jupiter.api.Test;

import org.springframework.mail.MailSendException;
import org.springframework.mail.MailSender;
import org.springframework.mail.SimpleMailMessage;

import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.after;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

/**
 * Tests for {@link MailAlertListener}.
 */
class MailAlertListenerTests {

	private final MailSender mailSender = mock(MailSender.class);

	private final SmartStickProperties.Alerts properties = new SmartStickProperties.Alerts();

	@Test
	void failedSendIsRetriedBoundedTimesWithoutThrowing() {
		this.properties.setRetries(2);
		this.properties.setRetryBackoff(Duration.ofMillis(10));
		willThrow(new MailSendException("Mail server connection failed")).given(this.mailSender)
			.send(any(SimpleMailMessage.class));
		MailAlertListener listener = new MailAlertListener(this.mailSender, this.properties, null, () -> "lb");
		assertThatNoException().isThrownBy(() -> listener.onApplicationEvent(event("ops@example.com")));
		verify(this.mailSender, timeout(5000).times(3)).send(any(SimpleMailMessage.class));
		verify(this.mailSender, after(300).times(3)).send(any(SimpleMailMessage.class));
	}

	@Test
	void backendWithoutOwnerIsNotMailed() {
		new MailAlertListener(this.mailSender, this.properties, null, () -> "lb").onApplicationEvent(event(null));
		verify(this.mailSender, after(300).never()).send(any(SimpleMailMessage.class));
	}

	private BackendStateChangedEvent event(String owner) {
		Backend backend = new Backend("svc", 4, URI.create("http://127.0.0.1:5004"), 1, owner,
				Backends.DEFAULT_HEALTH);
		return new BackendStateChangedEvent(this,
				new BackendStateChange(backend, true, false, "connection refused", Instant.now()));
	}

}
