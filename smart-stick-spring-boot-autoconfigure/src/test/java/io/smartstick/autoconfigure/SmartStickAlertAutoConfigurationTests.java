package io.smartstick.autoconfigure;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.smartstick.alert.MailAlertListener;
import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.BackendStateChange;
import io.smartstick.config.ConfigurationViolation;
import io.smartstick.config.InvalidConfigurationException;
import io.smartstick.config.SmartStickProperties;
import io.smartstick.health.BackendStateChangedEvent;
import io.smartstick.test.Backends;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.after;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

/**
 * Tests for {@link SmartStickAlertAutoConfiguration}.
 */
class SmartStickAlertAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MailSenderAutoConfiguration.class,
				SmartStickAlertAutoConfiguration.class))
		.withUserConfiguration(RegistryConfiguration.class);

	@Test
	void noMailHostMeansNoAlerts() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(MailAlertListener.class));
	}

	@Test
	void mailHostEnablesAlerts() {
		this.runner.withPropertyValues("spring.mail.host=127.0.0.1")
			.run((context) -> assertThat(context).hasSingleBean(MailAlertListener.class));
	}

	@Test
	void alertsCanBeDisabled() {
		this.runner.withPropertyValues("spring.mail.host=127.0.0.1", "smartstick.alerts.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MailAlertListener.class));
	}

	@Test
	void noAlertsWithoutMailSupport() {
		this.runner.withPropertyValues("spring.mail.host=127.0.0.1")
			.withClassLoader(new FilteredClassLoader(JavaMailSender.class))
			.run((context) -> assertThat(context).doesNotHaveBean(MailAlertListener.class));
	}

	@Test
	void userListenerWins() {
		this.runner.withPropertyValues("spring.mail.host=127.0.0.1")
			.withBean("customListener", MailAlertListener.class,
					() -> new MailAlertListener(mock(JavaMailSender.class),
							SmartStickAlertAutoConfiguration.settings(new SmartStickProperties.Alerts()), null,
							() -> "custom"))
			.run((context) -> assertThat(context).getBeanNames(MailAlertListener.class)
				.containsExactly("customListener"));
	}

	@Test
	void senderAndInstanceNameDefaultToMailUserAndApplicationName() {
		JavaMailSender sender = mock(JavaMailSender.class);
		this.runner.withBean(JavaMailSender.class, () -> sender)
			.withPropertyValues("spring.mail.username=lb@example.com", "spring.application.name=edge-lb")
			.run((context) -> {
				context.publishEvent(downEvent());
				ArgumentCaptor<SimpleMailMessage> message = ArgumentCaptor.forClass(SimpleMailMessage.class);
				verify(sender, timeout(5000)).send(message.capture());
				assertThat(message.getValue().getFrom()).isEqualTo("lb@example.com");
				assertThat(message.getValue().getText()).contains("Load balancer: edge-lb");
			});
	}

	@Test
	void configuredSenderAndInstanceNameWin() {
		JavaMailSender sender = mock(JavaMailSender.class);
		this.runner.withBean(JavaMailSender.class, () -> sender)
			.withPropertyValues("spring.mail.username=user", "spring.application.name=edge-lb",
					"smartstick.alerts.from=Alerts <alerts@example.com>", "smartstick.alerts.instance-name=lb-eu-1",
					"smartstick.alerts.subject-prefix=[lb]")
			.run((context) -> {
				context.publishEvent(downEvent());
				ArgumentCaptor<SimpleMailMessage> message = ArgumentCaptor.forClass(SimpleMailMessage.class);
				verify(sender, timeout(5000)).send(message.capture());
				assertThat(message.getValue().getFrom()).isEqualTo("Alerts <alerts@example.com>");
				assertThat(message.getValue().getSubject()).startsWith("[lb] Backend 0 ");
				assertThat(message.getValue().getText()).contains("Load balancer: lb-eu-1");
			});
	}

	@Test
	void invalidDampingAndRetrySettingsFailStartupNamingEachProperty() {
		this.runner
			.withPropertyValues("spring.mail.host=127.0.0.1", "smartstick.alerts.min-interval=-1s",
					"smartstick.alerts.retries=-1", "smartstick.alerts.retry-backoff=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationException.class)
				.satisfies((ex) -> assertThat(((InvalidConfigurationException) ex).getViolations())
					.extracting(ConfigurationViolation::property)
					.containsExactly("smartstick.alerts.min-interval", "smartstick.alerts.retries",
							"smartstick.alerts.retry-backoff")));
	}

	@Test
	void zeroMinIntervalIsAllowed() {
		this.runner.withPropertyValues("spring.mail.host=127.0.0.1", "smartstick.alerts.min-interval=0")
			.run((context) -> assertThat(context).hasSingleBean(MailAlertListener.class));
	}

	@Test
	void listenerStopsWhenTheContextCloses() {
		JavaMailSender sender = mock(JavaMailSender.class);
		AtomicReference<MailAlertListener> listener = new AtomicReference<>();
		this.runner.withBean(JavaMailSender.class, () -> sender)
			.run((context) -> listener.set(context.getBean(MailAlertListener.class)));
		listener.get().onApplicationEvent(downEvent());
		verify(sender, after(300).never()).send(any(SimpleMailMessage.class));
	}

	private static BackendStateChangedEvent downEvent() {
		Backend backend = new Backend("svc", 0, URI.create("http://127.0.0.1:5000"), 1, "ops@example.com",
				Backends.DEFAULT_HEALTH);
		return new BackendStateChangedEvent(backend,
				new BackendStateChange(backend, true, false, "connection refused", Instant.now()));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(SmartStickProperties.class)
	static class RegistryConfiguration {

		@Bean
		BackendRegistry backendRegistry() {
			return new BackendRegistry(List.of(), (change) -> {
			});
		}

	}

}
