package io.smartstick.health;

import java.net.ConnectException;
import java.net.UnknownHostException;

import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpMethod;
import io.smartstick.balancer.Backend;
import io.smartstick.balancer.HealthSettings;
import io.smartstick.config.HealthOptions;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;

/**
 * The built-in health check: requests the backend's health path with its method and
 * headers, on a fresh connection each time (a pooled connection closed by the backend's
 * keep-alive timeout must not read as a dead backend). Under the "http" algorithm any
 * HTTP answer is healthy, under "http-status" only a 2xx one.
 *
 * @author smart-stick
 */
public class HttpHealthCheck implements HealthCheck {

	private final HttpClient client;

	/**
	 * Create a check with its own non-pooling HTTP client.
	 */
	public HttpHealthCheck() {
		this(HttpClient.create(ConnectionProvider.newConnection()).keepAlive(false));
	}

	HttpHealthCheck(HttpClient client) {
		this.client = client;
	}

	@Override
	public Mono<Boolean> isHealthy(Backend backend) {
		return check(backend).map(HealthCheckResult::healthy);
	}

	@Override
	public Mono<HealthCheckResult> check(Backend backend) {
		HealthSettings settings = backend.healthSettings();
		return this.client.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.timeout().toMillis())
			.headers((headers) -> settings.headers().forEach(headers::set))
			.request(HttpMethod.valueOf(settings.method()))
			.uri(backend.url().getScheme() + "://" + backend.url().getRawAuthority() + backend.basePath()
					+ settings.path())
			.response((response, body) -> Mono.just(response.status().code()))
			.next()
			.map((status) -> judge(status, settings))
			.onErrorResume((ex) -> Mono.just(HealthCheckResult.unhealthy(describe(ex))));
	}

	private static HealthCheckResult judge(int status, HealthSettings settings) {
		String cause = "HTTP " + status + " from " + settings.path();
		boolean healthy = HealthOptions.ALGORITHM_HTTP.equals(settings.algorithm()) || (status >= 200 && status < 300);
		return new HealthCheckResult(healthy, cause);
	}

	static String describe(Throwable ex) {
		if (ex instanceof ConnectTimeoutException) {
			return "connect timeout";
		}
		if (ex instanceof ConnectException) {
			return "connection refused";
		}
		if (ex instanceof UnknownHostException) {
			return "unknown host";
		}
		if (ex instanceof PrematureCloseException) {
			return "connection closed before a response";
		}
		String message = ex.getMessage();
		return ex.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

}
