package io.smartstick.config;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Adds, with the lowest precedence, the defaults smart-stick needs from the libraries it
 * builds on, so any value the user sets wins.
 * <ul>
 * <li>{@code spring.cloud.gateway.server.webflux.trusted-proxies=.*}: Gateway only adds
 * {@code X-Forwarded-*} headers when trusted proxies are configured. Like nginx's
 * {@code $proxy_add_x_forwarded_for}, the client's address is appended to whatever chain
 * the client sent, so the last entry is always the real peer.</li>
 * <li>{@code management.health.mail.enabled=false}: an unreachable SMTP server only
 * delays alert mails; it must not turn the load balancer's own health DOWN.</li>
 * <li>SMTP connect, read and write timeouts of 10 seconds ({@code mail.smtp.*} and
 * {@code mail.smtps.*}): JavaMail waits forever by default, and a hung mail server must
 * not hold an alert thread for ever.</li>
 * </ul>
 *
 * @author smart-stick
 */
public class SmartStickDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/**
	 * Name of the property source holding the defaults.
	 */
	public static final String PROPERTY_SOURCE_NAME = "smartstickDefaults";

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty(SmartStickProperties.PREFIX + ".enabled", Boolean.class, true)) {
			return;
		}
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("spring.cloud.gateway.server.webflux.trusted-proxies", ".*");
		defaults.put("management.health.mail.enabled", "false");
		for (String protocol : new String[] { "smtp", "smtps" }) {
			for (String timeout : new String[] { "connectiontimeout", "timeout", "writetimeout" }) {
				defaults.put("spring.mail.properties[mail." + protocol + "." + timeout + "]", "10000");
			}
		}
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
	}

}
