package io.smartstick.alert;

import io.smartstick.balancer.Backend;

import org.springframework.context.ApplicationEvent;

/**
 * Published once an alert mail about a backend was sent, or given up after its retries;
 * metrics listen. Published on the thread that sent the mail.
 *
 * @author smart-stick
 */
public class AlertMailedEvent extends ApplicationEvent {

	private final boolean sent;

	/**
	 * Create an event.
	 * @param backend the backend the alert was about
	 * @param sent whether the mail was sent
	 */
	public AlertMailedEvent(Backend backend, boolean sent) {
		super(backend);
		this.sent = sent;
	}

	/**
	 * Return the backend the alert was about.
	 * @return the backend
	 */
	public Backend getBackend() {
		return (Backend) getSource();
	}

	/**
	 * Whether the mail was sent.
	 * @return {@code true} if sent, {@code false} if given up
	 */
	public boolean isSent() {
		return this.sent;
	}

}
