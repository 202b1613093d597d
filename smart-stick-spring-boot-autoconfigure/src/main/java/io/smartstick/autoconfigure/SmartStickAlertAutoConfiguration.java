package io.smartstick.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import io.smartstick.alert.AlertSettings;
import io.smartstick.alert.MailAlertListener;
import io.smartstick.config.ConfigurationViolation;
import io.smartstick.config.InvalidConfigurationException;
import io.smartstick.config.SmartStickProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.util.StringUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Auto-configuration of email alerts to a backend's owner when it goes down or recovers.
 * Active only when a {@link JavaMailSender} is configured, which Spring Boot does when
 * {@code spring.mail.host} is set (the config.json {@code email} block sets it).
 *
 * @author smart-stick
 */
@AutoConfiguration(after = SmartStickHealthAutoConfiguration.class,
		afterName = "org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration")
@ConditionalOnClass(JavaMailSender.class)
@ConditionalOnBean({ SmartStickProperties.class, JavaMailSender.class })
@ConditionalOnBooleanProperty(name = "smartstick.alerts.enabled", matchIfMissing = true)
public class SmartStickAlertAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MailAlertListener smartStickMailAlertListener(JavaMailSender mailSender, SmartStickProperties properties,
			Environment environment, ApplicationEventPublisher events) {
		SmartStickProperties.Alerts alerts = properties.getAlerts();
		validate(alerts);
		String from = StringUtils.hasText(alerts.getFrom()) ? alerts.getFrom()
				: environment.getProperty("spring.mail.username");
		String applicationName = environment.getProperty("spring.application.name");
		return new MailAlertListener(mailSender, settings(alerts), from, SingletonSupplier.of(() -> {
			if (StringUtils.hasText(alerts.getInstanceName())) {
				return alerts.getInstanceName();
			}
			return StringUtils.hasText(applicationName) ? applicationName : hostName();
		}), events);
	}

	static AlertSettings settings(SmartStickProperties.Alerts alerts) {
		return new AlertSettings(alerts.getSubjectPrefix(), alerts.getMinInterval(), alerts.getRetries(),
				alerts.getRetryBackoff());
	}

	private static void validate(SmartStickProperties.Alerts alerts) {
		String prefix = SmartStickProperties.PREFIX + ".alerts.";
		List<ConfigurationViolation> violations = new ArrayList<>();
		if (alerts.getMinInterval() == null || alerts.getMinInterval().isNegative()) {
			violations.add(new ConfigurationViolation(prefix + "min-interval", alerts.getMinInterval(),
					"must be zero or positive",
					"Use a duration such as 1m to damp flapping, or 0 to mail every change."));
		}
		if (alerts.getRetries() < 0) {
			violations.add(new ConfigurationViolation(prefix + "retries", alerts.getRetries(), "is negative",
					"Use 0 to never retry a failed send, or a small number such as 3."));
		}
		if (alerts.getRetryBackoff() == null || alerts.getRetryBackoff().isZero()
				|| alerts.getRetryBackoff().isNegative()) {
			violations.add(new ConfigurationViolation(prefix + "retry-backoff", alerts.getRetryBackoff(),
					"must be positive", "Use a positive duration such as 1s."));
		}
		if (!violations.isEmpty()) {
			throw new InvalidConfigurationException(violations);
		}
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "unknown host";
		}
	}

}
