package io.smartstick.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.smartstick.balancer.Backend;
import io.smartstick.health.BackendRemovedEvent;
import io.smartstick.health.BackendStateChangedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.mail.MailSender;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.util.StringUtils;

/**
 * Emails a backend's owner when the backend goes down or recovers, and when it is removed
 * from its pool. Mails are sent off the
 * publishing thread with bounded, exponentially backed-off retries, one at a time and in
 * order for each backend; a failure is only logged, never thrown back, so health checking
 * and proxying go on regardless. Backends without an owner are ignored. A flapping
 * backend is damped by {@code min-interval}: the first change and the one after it are
 * mailed at once, further changes within the interval are held, and one summary mail at
 * its end tells the state then if it differs from the last mail, so the last mail an owner
 * receives always tells the backend's current state. Closing the listener stops its
 * timers and the mails still queued or retried.
 *
 * @author smart-stick
 */
public class MailAlertListener implements ApplicationListener<ApplicationEvent>, DisposableBean {

	private static final Log logger = LogFactory.getLog(MailAlertListener.class);

	private final MailSender mailSender;

	private final ApplicationEventPublisher events;

	private final AlertMessages messages;

	private final Duration minInterval;

	private final int retries;

	private final Duration retryBackoff;

	private final Scheduler scheduler;

	/** By backend (by identity: ids repeat across pools). */
	private final Map<Backend, BackendAlerts> backends = new ConcurrentHashMap<>();

	private volatile boolean closed;

	/**
	 * Create a listener.
	 * @param mailSender sends the mails
	 * @param settings how mails are written, damped and retried
	 * @param from sender address, or {@code null} for the mail session's default
	 * @param instanceName name of this load balancer, asked for off the publishing thread
	 */
	public MailAlertListener(MailSender mailSender, AlertSettings settings, String from,
			Supplier<String> instanceName) {
		this(mailSender, settings, from, instanceName, (event) -> {
		});
	}

	/**
	 * Create a listener.
	 * @param mailSender sends the mails
	 * @param settings how mails are written, damped and retried
	 * @param from sender address, or {@code null} for the mail session's default
	 * @param instanceName name of this load balancer, asked for off the publishing thread
	 * @param events told of each alert sent or given up, as an {@link AlertMailedEvent}
	 */
	public MailAlertListener(MailSender mailSender, AlertSettings settings, String from,
			Supplier<String> instanceName, ApplicationEventPublisher events) {
		this(mailSender, settings, from, instanceName, events, Schedulers.boundedElastic());
	}

	/**
	 * Create a listener.
	 * @param mailSender sends the mails
	 * @param settings how mails are written, damped and retried
	 * @param from sender address, or {@code null} for the mail session's default
	 * @param instanceName name of this load balancer, asked for off the publishing thread
	 * @param events told of each alert sent or given up, as an {@link AlertMailedEvent}
	 * @param scheduler runs the sends (which block), their retry delays and the
	 * {@code min-interval} timers
	 */
	MailAlertListener(MailSender mailSender, AlertSettings settings, String from,
			Supplier<String> instanceName, ApplicationEventPublisher events, Scheduler scheduler) {
		this.events = events;
		this.mailSender = mailSender;
		this.messages = new AlertMessages(from, settings.subjectPrefix(), instanceName);
		this.minInterval = settings.minInterval();
		this.retries = Math.max(0, settings.retries());
		this.retryBackoff = settings.retryBackoff();
		this.scheduler = scheduler;
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof BackendStateChangedEvent changed) {
			changed(changed);
		}
		else if (event instanceof BackendRemovedEvent removed) {
			removed(removed);
		}
	}

	private void removed(BackendRemovedEvent event) {
		Backend backend = event.getBackend();
		BackendAlerts alerts = this.backends.remove(backend);
		if (alerts != null) {
			// mails about its health would now arrive after the one about its removal
			alerts.close();
		}
		if (!StringUtils.hasText(backend.owner()) || this.closed) {
			return;
		}
		Instant time = Instant.ofEpochMilli(event.getTimestamp());
		try {
			send(backend, () -> this.messages.removed(backend, time), (sent) -> {
			});
		}
		catch (RuntimeException ex) {
			logger.error("Could not send alert mail about backend " + backend.idValue() + ": " + describe(ex));
		}
	}

	private void changed(BackendStateChangedEvent event) {
		Backend backend = event.getBackend();
		if (!StringUtils.hasText(backend.owner()) || this.closed || backend.removed()) {
			return;
		}
		if (event.isFirstCheck() && event.isHealthy()) {
			// a backend added while running passed its first check: nothing recovered
			return;
		}
		try {
			this.backends
				.computeIfAbsent(backend,
						(id) -> new BackendAlerts(this.minInterval, this.scheduler, this.messages, this::send))
				.changed(event);
		}
		catch (RuntimeException ex) {
			logger.error("Could not send alert mail about backend " + backend.idValue() + ": " + describe(ex));
		}
	}

	/**
	 * Stop the {@code min-interval} timers and the mails still queued or being retried.
	 */
	@Override
	public void destroy() {
		this.closed = true;
		this.backends.values().forEach(BackendAlerts::close);
	}

	private Disposable send(Backend backend, Supplier<SimpleMailMessage> message, Consumer<Boolean> done) {
		int attempts = this.retries + 1;
		return Mono.fromRunnable(() -> this.mailSender.send(message.get()))
			.subscribeOn(this.scheduler)
			.retryWhen(Retry.backoff(this.retries, this.retryBackoff)
				.scheduler(this.scheduler)
				.doBeforeRetry((signal) -> logger.warn("Could not send alert mail about backend " + backend.idValue()
						+ " to " + backend.owner() + " (attempt " + (signal.totalRetries() + 1) + " of " + attempts
						+ "), retrying: " + describe(signal.failure()))))
			.subscribe(null, (ex) -> {
				Throwable cause = Exceptions.isRetryExhausted(ex) ? ex.getCause() : ex;
				logger.error("Gave up sending alert mail about backend " + backend.idValue() + " to "
						+ backend.owner() + " after " + attempts + " attempts: " + describe(cause));
				logger.debug("Last failure of alert mail about backend " + backend.idValue(), cause);
				finished(backend, false, done);
			}, () -> finished(backend, true, done));
	}

	private void finished(Backend backend, boolean sent, Consumer<Boolean> done) {
		try {
			this.events.publishEvent(new AlertMailedEvent(backend, sent));
		}
		catch (RuntimeException ex) {
			logger.warn("Alert outcome listener failed for backend " + backend.idValue() + ": " + describe(ex));
		}
		finally {
			done.accept(sent);
		}
	}

	private static String describe(Throwable ex) {
		Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
		return cause.getClass().getSimpleName() + ((cause.getMessage() != null) ? ": " + cause.getMessage() : "");
	}

}
