package io.smartstick.alert;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.smartstick.balancer.Backend;
import io.smartstick.health.BackendStateChangedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.scheduler.Scheduler;

import org.springframework.mail.SimpleMailMessage;

/**
 * Alerts of one backend: applies the {@link AlertThrottle damping rule}, runs its window
 * timer and sends its mails one at a time, in order, so a mail still being retried is
 * never overtaken by a later one. At the end of a window it queues a summary, decided when
 * its turn comes: sent only if no newer mail is queued and the state differs from the one
 * named by the last mail delivered. Thread-safe.
 *
 * @author smart-stick
 */
final class BackendAlerts {

	private static final Log logger = LogFactory.getLog(MailAlertListener.class);

	private final AlertThrottle throttle;

	private final Duration minInterval;

	private final Scheduler scheduler;

	private final AlertMessages messages;

	private final Delivery delivery;

	private final Deque<Mail> queue = new ArrayDeque<>();

	private BackendStateChangedEvent latest;

	private boolean delivered;

	private int unmailed;

	private Disposable window;

	private Disposable.Swap sending;

	private boolean closed;

	BackendAlerts(Duration minInterval, Scheduler scheduler, AlertMessages messages, Delivery delivery) {
		this.throttle = new AlertThrottle(minInterval);
		this.minInterval = minInterval;
		this.scheduler = scheduler;
		this.messages = messages;
		this.delivery = delivery;
	}

	/**
	 * Take a change of the backend's state: mail it now or hold it.
	 * @param event the change
	 */
	void changed(BackendStateChangedEvent event) {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			if (this.latest == null) {
				this.delivered = event.wasHealthy();
			}
			this.latest = event;
			AlertThrottle.Verdict verdict = this.throttle.changed();
			if (verdict == AlertThrottle.Verdict.HOLD) {
				this.unmailed++;
				Backend backend = event.getBackend();
				logger.info("Holding back the mail to " + backend.owner() + " that backend " + backend.idValue()
						+ " is " + (event.isHealthy() ? "up" : "down") + ": it changed again within"
						+ " smartstick.alerts.min-interval; a summary follows when the interval ends if the state"
						+ " then differs from the last mail");
				return;
			}
			if (verdict == AlertThrottle.Verdict.MAIL_AND_OPEN_WINDOW) {
				openWindow();
			}
			this.queue.add(new Change(event, this.unmailed));
			this.unmailed = 0;
		}
		sendNext();
	}

	private void windowEnded() {
		synchronized (this) {
			this.window = null;
			if (this.closed) {
				return;
			}
			AlertThrottle.Window ended = this.throttle.windowEnded();
			boolean told = this.delivered == this.latest.isHealthy() && this.sending == null && this.queue.isEmpty();
			if ((ended.held() == 0 && told) || this.queue.peekLast() instanceof Summary) {
				return;
			}
			this.queue.add(new Summary(ended.changes()));
		}
		sendNext();
	}

	private void sendNext() {
		Backend backend;
		Supplier<SimpleMailMessage> message;
		boolean healthy;
		Disposable.Swap attempt = Disposables.swap();
		synchronized (this) {
			Mail next = (this.closed || this.sending != null) ? null : this.queue.poll();
			while (next instanceof Summary && (!this.queue.isEmpty() || this.delivered == this.latest.isHealthy())) {
				if (this.queue.isEmpty()) {
					logger.info("No summary mail to " + this.latest.getBackend().owner() + " about backend "
							+ this.latest.getBackend().idValue() + ": it is " + (this.delivered ? "up" : "down")
							+ ", as the last mail said");
				}
				next = this.queue.poll();
			}
			if (next == null) {
				return;
			}
			if (next instanceof Change change) {
				BackendStateChangedEvent event = change.event();
				backend = event.getBackend();
				healthy = event.isHealthy();
				message = () -> this.messages.build(event, change.unmailed());
			}
			else {
				BackendStateChangedEvent event = this.latest;
				int changes = ((Summary) next).changes();
				backend = event.getBackend();
				healthy = event.isHealthy();
				message = () -> this.messages.summary(event, changes, this.minInterval);
				this.unmailed = 0;
				if (this.throttle.summarySent()) {
					openWindow();
				}
			}
			this.sending = attempt;
		}
		try {
			attempt.update(this.delivery.send(backend, message, (sent) -> sent(attempt, healthy, sent)));
		}
		catch (RuntimeException ex) {
			logger.error("Could not send alert mail about backend " + backend.idValue() + ": " + ex);
			sent(attempt, healthy, false);
		}
	}

	private void sent(Disposable.Swap attempt, boolean healthy, boolean sent) {
		synchronized (this) {
			if (this.sending != attempt) {
				return;
			}
			this.sending = null;
			if (sent) {
				this.delivered = healthy;
			}
		}
		sendNext();
	}

	private void openWindow() {
		try {
			this.window = this.scheduler.schedule(this::windowEnded, this.minInterval.toNanos(),
					TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			this.throttle.windowEnded();
			logger.warn("Could not time smartstick.alerts.min-interval for backend "
					+ this.latest.getBackend().idValue() + ", not damping: " + ex.getMessage());
		}
	}

	/**
	 * Stop the window timer and the mail being sent or retried, and drop the queued ones.
	 */
	void close() {
		Disposable window;
		Disposable sending;
		int pending;
		BackendStateChangedEvent latest;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			window = this.window;
			sending = this.sending;
			pending = this.queue.size() + ((sending != null) ? 1 : 0);
			latest = this.latest;
			this.queue.clear();
		}
		if (window != null) {
			window.dispose();
		}
		if (sending != null) {
			sending.dispose();
		}
		if (pending > 0) {
			Backend backend = latest.getBackend();
			logger.warn("Not sending " + pending + " alert mail" + ((pending == 1) ? "" : "s") + " about backend "
					+ backend.idValue() + " to " + backend.owner() + ": shutting down");
		}
	}

	/**
	 * Sends one mail with retries.
	 */
	@FunctionalInterface
	interface Delivery {

		/**
		 * Send a mail, retrying as configured, off the caller's thread.
		 * @param backend the backend the mail is about
		 * @param message builds the mail, called for each attempt
		 * @param done told once whether the mail was sent or given up; not told if the
		 * returned handle is disposed first
		 * @return a handle that stops the sending
		 */
		Disposable send(Backend backend, Supplier<SimpleMailMessage> message, Consumer<Boolean> done);

	}

	/**
	 * A mail waiting for its turn.
	 */
	private sealed interface Mail permits Change, Summary {

	}

	/**
	 * A change to mail as it is.
	 *
	 * @param event the change
	 * @param unmailed earlier changes that were never mailed
	 */
	private record Change(BackendStateChangedEvent event, int unmailed) implements Mail {

	}

	/**
	 * The end of a window: mail the state then current if the owner does not know it yet.
	 *
	 * @param changes changes in the window
	 */
	private record Summary(int changes) implements Mail {

	}

}
