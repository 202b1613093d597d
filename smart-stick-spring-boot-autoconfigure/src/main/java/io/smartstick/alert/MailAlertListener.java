package io.smartstick.alert;

import java.time.Duration;
import java.util.function.Supplier;

import io.smartstick.balancer.Backend;
import io.smartstick.config.SmartStickProperties;
import io.smartstick.health.BackendStateChangedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import org.springframework.context.ApplicationListener;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.mail.MailSender;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.util.StringUtils;

/**
 * Emails a backend's owner when the backend goes down or recovers. Mails are sent off the
 * publishing thread with bounded, exponentially backed-off retries; a failure is only
 * logged, never thrown back, so health checking and proxying go on regardless. Backends
 * without an owner are ignored, and changes closer together than the minimum interval are
 * not mailed.
 *
 * @author smart-stick
 */
public class MailAlertListener implements ApplicationListener<BackendStateChangedEvent> {

	private static final Log logger = LogFactory.getLog(MailAlertListener.class);

	private final MailSender mailSender;

	private final AlertOutcomeListener outcomes;

	private final AlertMessages messages;

	private final AlertThrottle throttle;

	private final int retries;

	private final Duration retryBackoff;

	/**
	 * Create a listener.
	 * @param mailSender sends the mails
	 * @param properties alert settings
	 * @param from sender address, or {@code null} for the mail session's default
	 * @param instanceName name of this load balancer, asked for off the publishing thread
	 */
	public MailAlertListener(MailSender mailSender, SmartStickProperties.Alerts properties, String from,
			Supplier<String> instanceName) {
		this(mailSender, properties, from, instanceName, (backend, sent) -> {
		});
	}

	/**
	 * Create a listener.
	 * @param mailSender sends the mails
	 * @param properties alert settings
	 * @param from sender address, or {@code null} for the mail session's default
	 * @param instanceName name of this load balancer, asked for off the publishing thread
	 * @param outcomes told whether each alert was sent or given up
	 */
	public MailAlertListener(MailSender mailSender, SmartStickProperties.Alerts properties, String from,
			Supplier<String> instanceName, AlertOutcomeListener outcomes) {
		this.outcomes = outcomes;
		this.mailSender = mailSender;
		this.messages = new AlertMessages(from, properties.getSubjectPrefix(), instanceName);
		this.throttle = new AlertThrottle(properties.getMinInterval());
		this.retries = Math.max(0, properties.getRetries());
		this.retryBackoff = properties.getRetryBackoff();
	}

	@Override
	public void onApplicationEvent(BackendStateChangedEvent event) {
		Backend backend = event.getBackend();
		if (!StringUtils.hasText(backend.owner())) {
			return;
		}
		try {
			int suppressed = this.throttle.acquire(backend.id(), event.getTime());
			if (suppressed < 0) {
				logger.info("Not mailing " + backend.owner() + " that backend " + backend.idValue() + " is "
						+ (event.isHealthy() ? "up" : "down") + ": within smartstick.alerts.min-interval of the"
						+ " previous mail");
				return;
			}
			send(backend, () -> this.messages.build(event, suppressed));
		}
		catch (RuntimeException ex) {
			logger.error("Could not send alert mail about backend " + backend.idValue() + ": " + describe(ex));
		}
	}

	private void send(Backend backend, Supplier<SimpleMailMessage> message) {
		int attempts = this.retries + 1;
		Mono.fromRunnable(() -> {
			this.mailSender.send(message.get());
			this.outcomes.alertFinished(backend, true);
		})
			.subscribeOn(Schedulers.boundedElastic())
			.retryWhen(Retry.backoff(this.retries, this.retryBackoff)
				.doBeforeRetry((signal) -> logger.warn("Could not send alert mail about backend " + backend.idValue()
						+ " to " + backend.owner() + " (attempt " + (signal.totalRetries() + 1) + " of " + attempts
						+ "), retrying: " + describe(signal.failure()))))
			.subscribe(null, (ex) -> {
				this.outcomes.alertFinished(backend, false);
				Throwable cause = Exceptions.isRetryExhausted(ex) ? ex.getCause() : ex;
				logger.error("Gave up sending alert mail about backend " + backend.idValue() + " to "
						+ backend.owner() + " after " + attempts + " attempts: " + describe(cause));
				logger.debug("Last failure of alert mail about backend " + backend.idValue(), cause);
			});
	}

	private static String describe(Throwable ex) {
		Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
		return cause.getClass().getSimpleName() + ((cause.getMessage() != null) ? ": " + cause.getMessage() : "");
	}

}
