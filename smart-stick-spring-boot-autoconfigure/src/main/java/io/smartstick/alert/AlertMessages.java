package io.smartstick.alert;

import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

import io.smartstick.balancer.Backend;
import io.smartstick.health.BackendStateChangedEvent;

import org.springframework.mail.SimpleMailMessage;
import org.springframework.util.StringUtils;

/**
 * Builds the alert mail about one backend state change: to the backend's owner, with a
 * one-line subject and a plain-text body naming the backend, its new state, the cause,
 * the time in UTC and the load balancer that saw it.
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
		Backend backend = event.getBackend();
		SimpleMailMessage message = new SimpleMailMessage();
		message.setTo(StringUtils.tokenizeToStringArray(backend.owner(), ","));
		if (StringUtils.hasText(this.from)) {
			message.setFrom(this.from);
		}
		message.setSubject(subject(event));
		message.setText(body(event, suppressed));
		return message;
	}

	String subject(BackendStateChangedEvent event) {
		String prefix = StringUtils.hasText(this.subjectPrefix) ? this.subjectPrefix + " " : "";
		return prefix + describe(event.getBackend()) + (event.isHealthy() ? " has RECOVERED" : " is DOWN");
	}

	String body(BackendStateChangedEvent event, int suppressed) {
		Backend backend = event.getBackend();
		StringBuilder body = new StringBuilder();
		body.append(describe(backend))
			.append(event.isHealthy() ? " has recovered and takes traffic again." : " is down and takes no traffic.")
			.append("\n\n");
		line(body, "Backend", backend.idValue());
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
		return "Backend " + backend.idValue() + " (" + backend.url() + ")";
	}

	private static String state(boolean healthy) {
		return healthy ? "UP" : "DOWN";
	}

	private static void line(StringBuilder body, String label, String value) {
		body.append(label).append(':').append(" ".repeat(Math.max(1, 14 - label.length()))).append(value).append('\n');
	}

}
