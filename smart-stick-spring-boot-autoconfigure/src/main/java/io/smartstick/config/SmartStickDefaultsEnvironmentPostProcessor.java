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
 * <li>{@code spring.cloud.gateway.server.webflux.trusted-proxies}: the value of
 * {@code smartstick.sticky.trusted-proxies} (loopback and private network addresses by
 * default), so one setting says which peers are proxies whose forwarding headers are
 * believed. Gateway only adds {@code X-Forwarded-*} headers when trusted proxies are
 * configured; smart-stick replaces the forwarding headers of any other peer with what it
 * saw, and appends the peer to a trusted proxy's chain.</li>
 * <li>{@code spring.cloud.gateway.server.webflux.forwarded.enabled=false}: the RFC 7239
 * {@code Forwarded} header repeats what {@code X-Forwarded-*} already says, and building
 * it costs every request; an incoming {@code Forwarded} header is still removed.</li>
 * <li>{@code spring.cloud.gateway.server.webflux.observability.enabled=false},
 * {@code spring.cloud.gateway.server.webflux.metrics.enabled=false} and
 * {@code management.observations.enable.http.server.requests=false}: Gateway's and
 * WebFlux's own per-request observations cost about a tenth of the proxy's CPU time
 * per request (measured with {@code bench/}), and {@code smartstick.requests} records the same per backend.</li>
 * <li>{@code spring.cloud.gateway.server.webflux.route-filter-cache-enabled=true}: Gateway
 * otherwise merges and sorts the global filters with a route's own on every request; a
 * pool's route carries smart-stick's filters, and its routes never change while the
 * application runs.</li>
 * <li>{@code server.http2.enabled=false}: Boot's default made explicit, which also
 * leaves out Gateway's gRPC header filters (gRPC needs HTTP/2 end to end; enabling HTTP/2
 * brings them back).</li>
 * <li>{@code spring.cloud.gateway.server.webflux.httpclient.pool.max-idle-time=4s}:
 * pooled backend connections idle longer are closed by smart-stick first. Node.js, the
 * original's usual backend, closes idle keep-alive connections after 5 seconds; a request
 * sent on a connection the backend is closing fails as "connection closed before a
 * response", which would be retried and would take a healthy backend down.</li>
 * <li>{@code server.netty.idle-timeout=60s}: Reactor Netty keeps an idle client
 * connection open for ever by default; a load balancer facing the internet must not let
 * idle connections pile up (nginx closes them after 75 s, HAProxy after its client
 * timeout). A slow request head is {@code smartstick.proxy.request-header-timeout}'s
 * business.</li>
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
		String trustedProxies = environment.getProperty(SmartStickProperties.PREFIX + ".sticky.trusted-proxies");
		defaults.put("spring.cloud.gateway.server.webflux.trusted-proxies",
				(trustedProxies != null) ? trustedProxies : new SmartStickProperties.Sticky().getTrustedProxies());
		// per-request work that smart-stick does not need on the request path (see the class javadoc)
		defaults.put("spring.cloud.gateway.server.webflux.forwarded.enabled", "false");
		defaults.put("spring.cloud.gateway.server.webflux.observability.enabled", "false");
		defaults.put("spring.cloud.gateway.server.webflux.metrics.enabled", "false");
		defaults.put("management.observations.enable.http.server.requests", "false");
		defaults.put("spring.cloud.gateway.server.webflux.route-filter-cache-enabled", "true");
		defaults.put("server.http2.enabled", "false");
		defaults.put("spring.cloud.gateway.server.webflux.httpclient.pool.max-idle-time", "4s");
		defaults.put("server.netty.idle-timeout", "60s");
		defaults.put("management.health.mail.enabled", "false");
		for (String protocol : new String[] { "smtp", "smtps" }) {
			for (String timeout : new String[] { "connectiontimeout", "timeout", "writetimeout" }) {
				defaults.put("spring.mail.properties[mail." + protocol + "." + timeout + "]", "10000");
			}
		}
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
	}

}
