package io.smartstick.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;

import io.smartstick.balancer.Backend;
import reactor.core.publisher.Mono;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shared set-up and expectations of end-to-end tests: a client for the load balancer
 * under test, the backend list registered as dynamic properties, who served an answer,
 * and backends released once a test is over.
 */
public final class LoadBalancerTests {

	private LoadBalancerTests() {
	}

	/**
	 * Return a client for the load balancer listening on the given loopback port, with a
	 * bounded response timeout.
	 * @param port the port
	 * @return the client
	 */
	public static WebTestClient client(int port) {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + port)
			.responseTimeout(Duration.ofSeconds(10))
			.build();
	}

	/**
	 * Register {@code smartstick.backends[index]} with the given id, URL and weight.
	 * @param properties the registry
	 * @param index position in the list
	 * @param id the backend's id
	 * @param url the backend's URL
	 * @param weight the backend's weight
	 */
	public static void backend(DynamicPropertyRegistry properties, int index, int id, Supplier<Object> url,
			int weight) {
		String prefix = "smartstick.backends[" + index + "].";
		properties.add(prefix + "id", () -> id);
		properties.add(prefix + "url", url);
		properties.add(prefix + "weight", () -> weight);
	}

	/**
	 * Register {@code smartstick.pools.<pool>.backends[index]} with the given id and URL.
	 * @param properties the registry
	 * @param pool the pool's name
	 * @param index position in the pool's list
	 * @param id the backend's id
	 * @param url the backend's URL
	 */
	public static void poolBackend(DynamicPropertyRegistry properties, String pool, int index, int id,
			Supplier<Object> url) {
		String prefix = "smartstick.pools." + pool + ".backends[" + index + "].";
		properties.add(prefix + "id", () -> id);
		properties.add(prefix + "url", url);
	}

	/**
	 * Return a loopback port nothing listens on (it was free a moment ago).
	 * @return the port
	 */
	public static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Expect a {@code 200} proxied to the given backend, with the given body.
	 * @param response the response to the request
	 * @param backendId the {@code x-backend-id} expected
	 * @param body the body expected
	 */
	public static void expectProxiedTo(WebTestClient.ResponseSpec response, String backendId, String body) {
		response.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("x-backend-id", backendId)
			.expectBody(String.class)
			.isEqualTo(body);
	}

	/**
	 * Expect a {@code 200} the load balancer's application served itself (no
	 * {@code x-backend-id}), with the given body.
	 * @param response the response to the request
	 * @param body the body expected
	 */
	public static void expectServedLocally(WebTestClient.ResponseSpec response, String body) {
		response.expectStatus()
			.isOk()
			.expectHeader()
			.doesNotExist("x-backend-id")
			.expectBody(String.class)
			.isEqualTo(body);
	}

	/**
	 * Wait until no backend counts an active connection or an open tunnel: every
	 * exchange and tunnel of a test has released its backend.
	 * @param backends the backends, read again on each attempt
	 */
	public static void awaitAllReleased(Supplier<? extends Collection<Backend>> backends) {
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(backends.get()).allSatisfy((backend) -> {
				assertThat(backend.activeConnections()).as("active, backend %s", backend.idValue()).isZero();
				assertThat(backend.openTunnels()).as("tunnels, backend %s", backend.idValue()).isZero();
			}));
	}

	/**
	 * GET a path, with a sticky cookie, whose answer is expected to break off after it
	 * started, and return how the client saw it end.
	 * @param port the load balancer's port
	 * @param path the path
	 * @param backendId the value of the sticky cookie
	 * @param timeout how long to wait for the end
	 * @return the error the client's exchange ended with, or an {@link AssertionError}
	 * describing the whole answer it got instead
	 */
	public static Throwable brokenOffAnswer(int port, String path, String backendId, Duration timeout) {
		return WebClient.create("http://127.0.0.1:" + port)
			.get()
			.uri(path)
			.cookie("X-Backend-ID", backendId)
			.retrieve()
			.toEntity(String.class)
			.map((response) -> (Throwable) new AssertionError(
					"a whole answer: " + response.getStatusCode() + " " + response.getBody()))
			.onErrorResume(Mono::just)
			.block(timeout);
	}

}
