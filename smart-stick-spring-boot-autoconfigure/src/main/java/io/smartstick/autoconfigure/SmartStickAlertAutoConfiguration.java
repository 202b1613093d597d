package io.smartstick.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import io.smartstick.alert.AlertOutcomeListener;
import io.smartstick.alert.MailAlertListener;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.config.SmartStickProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
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
@ConditionalOnBean({ BackendRegistry.class, JavaMailSender.class })
@ConditionalOnBooleanProperty(name = "smartstick.alerts.enabled", matchIfMissing = true)
public class SmartStickAlertAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MailAlertListener smartStickMailAlertListener(JavaMailSender mailSender, SmartStickProperties properties,
			Environment environment, ObjectProvider<AlertOutcomeListener> outcomeListeners) {
		List<AlertOutcomeListener> outcomes = outcomeListeners.orderedStream().toList();
		SmartStickProperties.Alerts alerts = properties.getAlerts();
		String from = StringUtils.hasText(alerts.getFrom()) ? alerts.getFrom()
				: environment.getProperty("spring.mail.username");
		String applicationName = environment.getProperty("spring.application.name");
		return new MailAlertListener(mailSender, alerts, from, SingletonSupplier.of(() -> {
			if (StringUtils.hasText(alerts.getInstanceName())) {
				return alerts.getInstanceName();
			}
			return StringUtils.hasText(applicationName) ? applicationName : hostName();
		}), (backend, sent) -> outcomes.forEach((listener) -> listener.alertFinished(backend, sent)));
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
