package io.smartstick.alert;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

import io.smartstick.balancer.Backend;
import io.smartstick.health.BackendStateChangedEvent;

import org.springframework.mail.SimpleMailMessage;
import org.springframework.util.StringUtils;

/**
 * Builds the alert mails about a backend: to the backend's owner, with a one-line subject
 * and a plain-text body naming the backend, its state, the cause, the time in UTC and the
 * load balancer that saw it. A state-change mail tells one change; a summary tells the
 * state at the end of a window of changes held back by {@code min-interval}.
 *
 * @author smart-stick
 */
final class AlertMessages {

	private final String from;

	private final String subjectPrefix;

	private final Supplier<String> instanceName;

	/**
	 * Create a builder.
	 * @param from sender address, or {@code null} for the mail session's default
	 * @param subjectPrefix text put before every subject, may be empty
	 * @param instanceName name of this load balancer, asked for on each message
	 */
	AlertMessages(String from, String subjectPrefix, Supplier<String> instanceName) {
		this.from = from;
		this.subjectPrefix = subjectPrefix;
		this.instanceName = instanceName;
	}

	/**
	 * Build the mail about the given change.
	 * @param event the change, about a backend with an owner
	 * @param suppressed changes of the same backend not mailed since the previous mail
	 * @return the message
	 */
	SimpleMailMessage build(BackendStateChangedEvent event, int suppressed) {
		return message(event.getBackend(), subject(event), body(event, suppressed));
	}

	/**
	 * Build the summary mail sent at the end of a window of held-back changes.
	 * @param latest the latest change, which gives the state to tell
	 * @param changes changes of the backend's state in the window, zero or more
	 * @param window length of the window ({@code min-interval})
	 * @return the message
	 */
	SimpleMailMessage summary(BackendStateChangedEvent latest, int changes, Duration window) {
		Backend backend = latest.getBackend();
		String changed = (changes > 0) ? "; it changed " + changes + ((changes == 1) ? " time" : " times")
				+ " in the last " + describe(window) : "";
		String subject = prefix() + describe(backend) + " is " + state(latest.isHealthy()) + changed;
		StringBuilder body = new StringBuilder();
		body.append(describe(backend))
			.append(latest.isHealthy() ? " is up and takes traffic" : " is down and takes no traffic")
			.append(changed)
			.append(".\n\n");
		line(body, "Backend", backend.idValue());
		pool(body, backend);
		line(body, "URL", backend.url().toString());
		line(body, "State", state(latest.isHealthy()));
		line(body, "Cause", latest.getCause());
		line(body, "Time", latest.getTime().truncatedTo(ChronoUnit.MILLIS).toString());
		line(body, "Load balancer", this.instanceName.get());
		body.append("\nChanges within smartstick.alerts.min-interval (")
			.append(describe(window))
			.append(") of an earlier mail are held back; this mail tells the state at the end of it.\n");
		return message(backend, subject, body.toString());
	}

	/**
	 * Build the mail telling that a backend left its pool.
	 * @param backend the backend removed, with an owner
	 * @param time when it was removed
	 * @return the message
	 */
	SimpleMailMessage removed(Backend backend, Instant time) {
		String subject = prefix() + describe(backend) + " was REMOVED";
		StringBuilder body = new StringBuilder();
		body.append(describe(backend))
			.append(" was removed from the load balancer: it takes no new request, and the requests and WebSocket"
					+ " connections still open to it finish, bounded by smartstick.drain-timeout.\n\n");
		line(body, "Backend", backend.idValue());
		pool(body, backend);
		line(body, "URL", backend.url().toString());
		line(body, "State", "REMOVED");
		line(body, "Time", time.truncatedTo(ChronoUnit.MILLIS).toString());
		line(body, "Load balancer", this.instanceName.get());
		return message(backend, subject, body.toString());
	}

	private SimpleMailMessage message(Backend backend, String subject, String text) {
		SimpleMailMessage message = new SimpleMailMessage();
		message.setTo(StringUtils.tokenizeToStringArray(backend.owner(), ","));
		if (StringUtils.hasText(this.from)) {
			message.setFrom(this.from);
		}
		message.setSubject(subject);
		message.setText(text);
		return message;
	}

	private String prefix() {
		return StringUtils.hasText(this.subjectPrefix) ? this.subjectPrefix + " " : "";
	}

	String subject(BackendStateChangedEvent event) {
		return prefix() + describe(event.getBackend()) + (event.isHealthy() ? " has RECOVERED" : " is DOWN");
	}

	String body(BackendStateChangedEvent event, int suppressed) {
		Backend backend = event.getBackend();
		StringBuilder body = new StringBuilder();
		body.append(describe(backend))
			.append(event.isHealthy() ? " has recovered and takes traffic again." : " is down and takes no traffic.")
			.append("\n\n");
		line(body, "Backend", backend.idValue());
		pool(body, backend);
		line(body, "URL", backend.url().toString());
		line(body, "State", state(event.isHealthy()) + " (was " + state(event.wasHealthy()) + ")");
		line(body, "Cause", event.getCause());
		line(body, "Time", event.getTime().truncatedTo(ChronoUnit.MILLIS).toString());
		line(body, "Load balancer", this.instanceName.get());
		if (suppressed > 0) {
			body.append('\n')
				.append(suppressed)
				.append((suppressed == 1) ? " earlier change was" : " earlier changes were")
				.append(" not mailed (smartstick.alerts.min-interval).\n");
		}
		return body.toString();
	}

	private static String describe(Backend backend) {
		return backend.describe();
	}

	/**
	 * Name the backend's pool, unless it is the default pool (whose mails read as they did
	 * before pools).
	 */
	private static void pool(StringBuilder body, Backend backend) {
		if (!Backend.DEFAULT_POOL.equals(backend.pool())) {
			line(body, "Pool", backend.pool());
		}
	}

	static String describe(Duration duration) {
		long millis = duration.toMillis();
		if (millis % 1000 != 0) {
			return millis + " ms";
		}
		long seconds = millis / 1000;
		if (seconds < 120 || seconds % 60 != 0) {
			return seconds + " s";
		}
		return (seconds % 3600 == 0) ? (seconds / 3600) + " h" : (seconds / 60) + " min";
	}

	private static String state(boolean healthy) {
		return healthy ? "UP" : "DOWN";
	}

	private static void line(StringBuilder body, String label, String value) {
		body.append(label).append(':').append(" ".repeat(Math.max(1, 14 - label.length()))).append(value).append('\n');
	}

}
