package io.smartstick.health;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
 * headers, under the "http" algorithm any HTTP answer being healthy, under "http-status"
 * only a 2xx one.
 * <p>
 * Probes reuse a kept-alive connection per backend, closed after {@link #MAX_IDLE} idle:
 * checking a thousand backends every second must not open and close a thousand
 * connections a second. A pooled connection that the backend closes (its keep-alive
 * timeout) just as a probe is sent must not read as a dead backend, so a probe that fails
 * because its connection closed before an answer is repeated once on a fresh connection.
 * Each backend's request is prepared once, on its first probe.
 *
 * @author smart-stick
 */
public class HttpHealthCheck implements HealthCheck, AutoCloseable {

	/**
	 * How long a probe connection may stay idle before it is closed: below the 5 seconds
	 * after which Node.js closes idle keep-alive connections.
	 */
	public static final Duration MAX_IDLE = Duration.ofSeconds(4);

	private static final int MAX_PREPARED = 65536;

	private final ConnectionProvider connections;

	private final HttpClient pooled;

	private final HttpClient fresh;

	private final Map<Backend, Probe> probes = new ConcurrentHashMap<>();

	/**
	 * Create a check with its own HTTP clients: one keeping a connection per backend, one
	 * opening a fresh connection for the repeated probe.
	 */
	public HttpHealthCheck() {
		this(ConnectionProvider.builder("smart-stick-health")
			.maxConnections(2)
			.maxIdleTime(MAX_IDLE)
			.evictInBackground(MAX_IDLE)
			.build());
	}

	private HttpHealthCheck(ConnectionProvider connections) {
		this.connections = connections;
		this.pooled = HttpClient.create(connections);
		this.fresh = HttpClient.create(ConnectionProvider.newConnection()).keepAlive(false);
	}

	@Override
	public Mono<Boolean> isHealthy(Backend backend) {
		return check(backend).map(HealthCheckResult::healthy);
	}

	@Override
	public Mono<HealthCheckResult> check(Backend backend) {
		Probe probe = this.probes.get(backend);
		if (probe == null) {
			probe = prepare(backend);
		}
		HealthSettings settings = backend.healthSettings();
		Probe prepared = probe;
		return status(prepared.pooled())
			.onErrorResume(HttpHealthCheck::closedBeforeAnswer, (ex) -> status(prepared.fresh()))
			.map((status) -> judge(status, settings))
			.onErrorResume((ex) -> Mono.just(HealthCheckResult.unhealthy(describe(ex))));
	}

	/**
	 * Close the kept-alive probe connections.
	 */
	@Override
	public void close() {
		this.connections.dispose();
	}

	private Probe prepare(Backend backend) {
		if (this.probes.size() >= MAX_PREPARED) {
			// backends replaced over a long life: start again rather than grow without bound
			this.probes.clear();
		}
		HealthSettings settings = backend.healthSettings();
		String uri = backend.proxyPrefix() + settings.path();
		Probe probe = new Probe(request(this.pooled, settings, uri), request(this.fresh, settings, uri));
		this.probes.put(backend, probe);
		return probe;
	}

	private static HttpClient.ResponseReceiver<?> request(HttpClient client, HealthSettings settings, String uri) {
		return client.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.timeout().toMillis())
			.headers((headers) -> settings.headers().forEach(headers::set))
			.request(HttpMethod.valueOf(settings.method()))
			.uri(uri);
	}

	private static Mono<Integer> status(HttpClient.ResponseReceiver<?> request) {
		// the body is read to its end (and released) so that the connection can be kept
		return request.response((response, body) -> body.then(Mono.just(response.status().code()))).next();
	}

	/**
	 * Whether a probe failed on a connection that had been established: closed or reset
	 * before the answer, which a stale kept-alive connection explains. Refused
	 * connections, connect timeouts and unknown hosts are not repeated.
	 */
	private static boolean closedBeforeAnswer(Throwable ex) {
		return ex instanceof IOException && !(ex instanceof ConnectException) && !(ex instanceof UnknownHostException);
	}

	private record Probe(HttpClient.ResponseReceiver<?> pooled, HttpClient.ResponseReceiver<?> fresh) {
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
