package io.smartstick.alert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendStateChange;
import io.smartstick.config.SmartStickProperties;
import io.smartstick.health.BackendRemovedEvent;
import io.smartstick.health.BackendStateChangedEvent;
import io.smartstick.test.Backends;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mail.MailSendException;
import org.springframework.mail.MailSender;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import static io.smartstick.alert.TestMailServer.body;
import static io.smartstick.alert.TestMailServer.subject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.after;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

/**
 * Tests for {@link MailAlertListener}. Damping runs on virtual time and mails go through
 * a real SMTP server, so that every assertion about what the owner receives is about
 * real mails at exact moments.
 */
@ExtendWith(OutputCaptureExtension.class)
class MailAlertListenerTests {

	private static final String OWNER = "ops@example.com";

	private static final Backend BACKEND = new Backend("svc", 1, URI.create("http://127.0.0.1:5001"), 1, OWNER,
			Backends.DEFAULT_HEALTH);

	private static final String DOWN = "[smart-stick] Backend 1 (http://127.0.0.1:5001) is DOWN";

	private static final String RECOVERED = "[smart-stick] Backend 1 (http://127.0.0.1:5001) has RECOVERED";

	private final MailSender mailSender = mock(MailSender.class);

	private final SmartStickProperties.Alerts properties = new SmartStickProperties.Alerts();

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final TestMailServer mail = new TestMailServer();

	private final JavaMailSenderImpl smtp = new JavaMailSenderImpl();

	private final List<Boolean> outcomes = new CopyOnWriteArrayList<>();

	private MailAlertListener listener;

	private boolean healthy = true;

	@AfterEach
	void stop() {
		if (this.listener != null) {
			this.listener.destroy();
		}
		this.time.dispose();
		this.mail.close();
	}

	@Test
	void singleOutageMailsDownAndRecoveredAtOnce() {
		start(Duration.ofMinutes(1));
		change("HTTP 503 from /health");
		assertThat(subjects()).containsExactly(DOWN);
		advance(Duration.ofSeconds(20));
		change("HTTP 200 from /health");
		assertThat(subjects()).containsExactly(DOWN, RECOVERED);
		advance(Duration.ofMinutes(10));
		assertThat(subjects()).containsExactly(DOWN, RECOVERED);
	}

	@Test
	void flappingMailsTheFirstTwoChangesThenOneSummaryWithTheFinalState() {
		start(Duration.ofMinutes(1));
		flap(5, Duration.ofSeconds(5));
		assertThat(subjects()).containsExactly(DOWN, RECOVERED);
		advance(Duration.ofSeconds(39));
		assertThat(subjects()).containsExactly(DOWN, RECOVERED);
		advance(Duration.ofSeconds(1));
		assertThat(subjects()).containsExactly(DOWN, RECOVERED,
				"[smart-stick] Backend 1 (http://127.0.0.1:5001) is DOWN; it changed 5 times in the last 60 s");
		assertThat(body(mails().get(2))).startsWith(
				"Backend 1 (http://127.0.0.1:5001) is down and takes no traffic; it changed 5 times in the last 60 s.")
			.contains("State:         DOWN\n", "Cause:         change 5\n",
					"Time:          1970-01-01T00:00:20Z\n");
		advance(Duration.ofMinutes(10));
		assertThat(mails()).hasSize(3);
	}

	@Test
	void backendThatKeepsFlappingGetsOneSummaryPerMinInterval() {
		start(Duration.ofMinutes(1));
		flap(18, Duration.ofSeconds(7));
		assertThat(subjects()).containsExactly(DOWN, RECOVERED,
				"[smart-stick] Backend 1 (http://127.0.0.1:5001) is DOWN; it changed 9 times in the last 60 s");
		advance(Duration.ofSeconds(1));
		assertThat(subjects()).hasSize(4)
			.last()
			.isEqualTo("[smart-stick] Backend 1 (http://127.0.0.1:5001) is UP; it changed 9 times in the last 60 s");
		advance(Duration.ofMinutes(10));
		assertThat(mails()).hasSize(4);
	}

	@Test
	void flappingThatEndsWhereTheLastMailLeftItSendsNoSummary(CapturedOutput output) {
		start(Duration.ofMinutes(1));
		flap(4, Duration.ofSeconds(5));
		advance(Duration.ofMinutes(10));
		assertThat(subjects()).containsExactly(DOWN, RECOVERED);
		assertThat(output).contains("No summary mail to ops@example.com about backend 1: it is up, as the last mail"
				+ " said");
		change("change 5");
		assertThat(subjects()).containsExactly(DOWN, RECOVERED, DOWN);
		assertThat(body(mails().get(2))).contains("\n2 earlier changes were not mailed"
				+ " (smartstick.alerts.min-interval).");
	}

	@Test
	void summaryGoesOutOnceTheMailServerIsBack(CapturedOutput output) {
		this.smtp.setPort(closedPort());
		start(Duration.ofMinutes(1));
		flap(5, Duration.ofSeconds(5));
		advance(Duration.ofSeconds(20));
		assertThat(mails()).isEmpty();
		assertThat(output).contains(
				"Could not send alert mail about backend 1 to ops@example.com (attempt 3 of 4), retrying: "
						+ "ConnectException: Connection refused");
		assertThat(output.getOut().split("Gave up sending alert mail about backend 1 to ops@example.com after 4"
				+ " attempts: ConnectException: Connection refused", -1)).hasSize(3);
		this.smtp.setPort(this.mail.port());
		advance(Duration.ofSeconds(20));
		assertThat(subjects()).containsExactly(
				"[smart-stick] Backend 1 (http://127.0.0.1:5001) is DOWN; it changed 5 times in the last 60 s");
		assertThat(this.outcomes).containsExactly(false, false, true);
		advance(Duration.ofMinutes(10));
		assertThat(mails()).hasSize(1);
	}

	@Test
	void alertGivenUpIsToldAgainAtTheEndOfTheInterval() {
		this.smtp.setPort(closedPort());
		start(Duration.ofMinutes(1));
		change("HTTP 503 from /health");
		advance(Duration.ofSeconds(30));
		assertThat(this.outcomes).containsExactly(false);
		this.smtp.setPort(this.mail.port());
		advance(Duration.ofSeconds(30));
		assertThat(subjects()).containsExactly(
				"[smart-stick] Backend 1 (http://127.0.0.1:5001) is DOWN; it changed 1 time in the last 60 s");
		advance(Duration.ofMinutes(10));
		assertThat(mails()).hasSize(1);
	}

	@Test
	void laterMailNeverOvertakesOneBeingRetried() {
		this.smtp.setPort(closedPort());
		start(Duration.ZERO);
		change("HTTP 503 from /health");
		advance(Duration.ofMillis(100));
		change("HTTP 200 from /health");
		this.smtp.setPort(this.mail.port());
		advance(Duration.ofSeconds(10));
		assertThat(subjects()).containsExactly(DOWN, RECOVERED);
		assertThat(this.outcomes).containsExactly(true, true);
	}

	@Test
	void zeroMinIntervalMailsEveryChangeAtOnceInOrder() {
		start(Duration.ZERO);
		for (int i = 1; i <= 6; i++) {
			change("change " + i);
		}
		assertThat(subjects()).containsExactly(DOWN, RECOVERED, DOWN, RECOVERED, DOWN, RECOVERED);
		assertThat(body(mails().get(5))).doesNotContain("not mailed");
	}

	@Test
	void closingStopsTimersAndRetries(CapturedOutput output) {
		start(Duration.ofMinutes(1));
		flap(3, Duration.ofSeconds(5));
		this.smtp.setPort(closedPort());
		Backend other = new Backend("svc", 2, URI.create("http://127.0.0.1:5002"), 1, OWNER, Backends.DEFAULT_HEALTH);
		this.listener.onApplicationEvent(stateChange(other, false, "connection refused"));
		assertThat(output).contains("Could not send alert mail about backend 2 to ops@example.com (attempt 1 of 4)");
		this.listener.destroy();
		assertThat(output).contains("Not sending 1 alert mail about backend 2 to ops@example.com: shutting down");
		this.smtp.setPort(this.mail.port());
		advance(Duration.ofMinutes(10));
		assertThat(subjects()).containsExactly(DOWN, RECOVERED);
		assertThat(output).doesNotContain("(attempt 2 of 4)");
		change("after close");
		assertThat(mails()).hasSize(2);
	}

	@Test
	void failedSendIsRetriedBoundedTimesWithoutThrowing() {
		this.properties.setRetries(2);
		this.properties.setRetryBackoff(Duration.ofMillis(10));
		willThrow(new MailSendException("Mail server connection failed")).given(this.mailSender)
			.send(any(SimpleMailMessage.class));
		MailAlertListener listener = new MailAlertListener(this.mailSender, settings(), null, () -> "lb");
		assertThatNoException().isThrownBy(() -> listener.onApplicationEvent(event("ops@example.com")));
		verify(this.mailSender, timeout(5000).times(3)).send(any(SimpleMailMessage.class));
		verify(this.mailSender, after(300).times(3)).send(any(SimpleMailMessage.class));
	}

	@Test
	void backendWithoutOwnerIsNotMailed() {
		new MailAlertListener(this.mailSender, settings(), null, () -> "lb").onApplicationEvent(event(null));
		verify(this.mailSender, after(300).never()).send(any(SimpleMailMessage.class));
	}

	private BackendStateChangedEvent event(String owner) {
		Backend backend = new Backend("svc", 4, URI.create("http://127.0.0.1:5004"), 1, owner,
				Backends.DEFAULT_HEALTH);
		return new BackendStateChangedEvent(this,
				new BackendStateChange(backend, true, false, "connection refused", Instant.now()));
	}

	@Test
	void backendAddedWhileRunningPassingItsFirstCheckIsNotMailedAsRecovered() {
		start(Duration.ofMinutes(1));
		this.listener.onApplicationEvent(new BackendStateChangedEvent(BACKEND,
				new BackendStateChange(BACKEND, false, true, "HTTP 200 from /health", Instant.now(), true)));
		advance(Duration.ofSeconds(1));
		assertThat(subjects()).isEmpty();
		change("HTTP 503 from /health");
		assertThat(subjects()).containsExactly(DOWN);
	}

	@Test
	void removalIsMailedToTheOwnerAfterItsLastStateMail() {
		start(Duration.ofMinutes(1));
		change("HTTP 503 from /health");
		Backend removed = new Backend("svc", 1, URI.create("http://127.0.0.1:5001"), 1, OWNER,
				Backends.DEFAULT_HEALTH);
		this.listener.onApplicationEvent(new BackendRemovedEvent(this, removed));
		advance(Duration.ofSeconds(1));
		assertThat(subjects()).containsExactly(DOWN, "[smart-stick] Backend 1 (http://127.0.0.1:5001) was REMOVED");
		assertThat(body(mails().get(1))).startsWith("Backend 1 (http://127.0.0.1:5001) was removed from the load"
				+ " balancer").contains("State:         REMOVED", "Load balancer: lb-1");
	}

	private void start(Duration minInterval) {
		this.properties.setMinInterval(minInterval);
		this.smtp.setHost("127.0.0.1");
		if (this.smtp.getPort() < 0) {
			this.smtp.setPort(this.mail.port());
		}
		this.smtp.getJavaMailProperties().setProperty("mail.smtp.connectiontimeout", "5000");
		this.smtp.getJavaMailProperties().setProperty("mail.smtp.timeout", "5000");
		this.listener = new MailAlertListener(this.smtp, settings(), "lb@example.com", () -> "lb-1",
				(event) -> this.outcomes.add(((AlertMailedEvent) event).isSent()), this.time);
	}

	private void change(String cause) {
		this.healthy = !this.healthy;
		this.listener.onApplicationEvent(stateChange(BACKEND, this.healthy, cause));
	}

	private void flap(int changes, Duration step) {
		for (int i = 1; i <= changes; i++) {
			if (i > 1) {
				advance(step);
			}
			change("change " + i);
		}
	}

	private void advance(Duration duration) {
		this.time.advanceTimeBy(duration);
	}

	private BackendStateChangedEvent stateChange(Backend backend, boolean healthy, String cause) {
		Instant now = Instant.ofEpochMilli(this.time.now(TimeUnit.MILLISECONDS));
		return new BackendStateChangedEvent(this, new BackendStateChange(backend, !healthy, healthy, cause, now));
	}

	private List<MimeMessage> mails() {
		return this.mail.to(OWNER);
	}

	private List<String> subjects() {
		return mails().stream().map(TestMailServer::subject).toList();
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private AlertSettings settings() {
		return new AlertSettings(this.properties.getSubjectPrefix(), this.properties.getMinInterval(),
				this.properties.getRetries(), this.properties.getRetryBackoff());
	}

}
