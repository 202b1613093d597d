package io.smartstick.test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sticky clients sending GETs to a load balancer on loopback in a loop, each keeping the
 * cookie it is given, until stopped (and at most for a minute): counts every request,
 * every failure (anything but a 200) and the requests each backend served.
 */
public final class LoadClients implements AutoCloseable {

	private static final Duration MAX_RUN = Duration.ofSeconds(60);

	private final String baseUrl;

	private final String cookieName;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<Thread> threads = new ArrayList<>();

	private final AtomicLong requests = new AtomicLong();

	private final List<String> failures = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();

	private volatile boolean running = true;

	/**
	 * Start sticky clients.
	 * @param baseUrl the load balancer, such as {@code http://127.0.0.1:8080}
	 * @param cookieName name of the sticky cookie
	 * @param clients how many clients run at once
	 */
	public LoadClients(String baseUrl, String cookieName, int clients) {
		this.baseUrl = baseUrl;
		this.cookieName = cookieName;
		long deadline = System.nanoTime() + MAX_RUN.toNanos();
		for (int i = 0; i < clients; i++) {
			Thread thread = new Thread(() -> run(deadline), "load-client-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	private void run(long deadline) {
		String cookie = null;
		while (this.running && System.nanoTime() < deadline) {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + "/"))
				.timeout(Duration.ofSeconds(10));
			if (cookie != null) {
				request.header("Cookie", this.cookieName + "=" + cookie);
			}
			try {
				HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
				this.requests.incrementAndGet();
				if (response.statusCode() != 200) {
					this.failures.add(response.statusCode() + " " + response.body());
					continue;
				}
				String backend = response.headers().firstValue("x-backend-id").orElse("?");
				this.served.computeIfAbsent(backend, (key) -> new AtomicInteger()).incrementAndGet();
				for (String setCookie : response.headers().allValues("set-cookie")) {
					if (setCookie.startsWith(this.cookieName + "=")) {
						cookie = setCookie.substring(this.cookieName.length() + 1, setCookie.indexOf(';'));
					}
				}
			}
			catch (Exception ex) {
				this.requests.incrementAndGet();
				this.failures.add(ex.toString());
			}
		}
	}

	/**
	 * Return the requests sent so far.
	 * @return the count
	 */
	public long requests() {
		return this.requests.get();
	}

	/**
	 * Return every failure so far.
	 * @return the failures
	 */
	public List<String> failures() {
		return List.copyOf(this.failures);
	}

	/**
	 * Return the requests served by the backend of the given x-backend-id.
	 * @param backendId the backend's id
	 * @return the count
	 */
	public int servedBy(String backendId) {
		AtomicInteger count = this.served.get(backendId);
		return (count != null) ? count.get() : 0;
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		for (Thread thread : this.threads) {
			thread.join(15_000);
		}
	}

}
