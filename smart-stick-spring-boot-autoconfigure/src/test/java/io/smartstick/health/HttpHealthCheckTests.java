package io.smartstick.health;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.smartstick.balancer.Backend;
import io.smartstick.test.Backends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HttpHealthCheck} against a raw loopback server that controls exactly
 * how its connections behave.
 */
class HttpHealthCheckTests {

	private final HttpHealthCheck check = new HttpHealthCheck();

	private KeepAliveServer server;

	@AfterEach
	void close() throws IOException {
		this.check.close();
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void probesReuseTheBackendsConnection() throws IOException {
		this.server = new KeepAliveServer(Integer.MAX_VALUE);
		Backend backend = backendOn(this.server.port());
		for (int i = 0; i < 10; i++) {
			assertThat(this.check.check(backend).block(Duration.ofSeconds(5)).healthy()).as("probe %d", i).isTrue();
		}
		assertThat(this.server.requests()).hasValue(10);
		// a connection returns to the pool just after its probe completes, so a probe sent at once may open a second
		assertThat(this.server.connections().get()).as("kept-alive connections for 10 probes").isLessThanOrEqualTo(2);
	}

	@Test
	void aConnectionTheBackendClosesBeforeAnsweringIsNotADeadBackend() throws IOException {
		// each connection answers one request, then closes without answering the next: what a probe sent just as
		// the backend's keep-alive timeout closes the connection sees
		this.server = new KeepAliveServer(1);
		Backend backend = backendOn(this.server.port());
		for (int i = 0; i < 4; i++) {
			HealthCheckResult result = this.check.check(backend).block(Duration.ofSeconds(5));
			assertThat(result.healthy()).as("probe %d: %s", i, result.cause()).isTrue();
		}
		assertThat(this.server.requests()).hasValue(4);
	}

	@Test
	void aRefusedConnectionIsUnhealthyAtOnce() throws IOException {
		this.server = new KeepAliveServer(1);
		int port = this.server.port();
		this.server.close();
		HealthCheckResult result = this.check.check(backendOn(port)).block(Duration.ofSeconds(5));
		assertThat(result.healthy()).isFalse();
		assertThat(result.cause()).isEqualTo("connection refused");
	}

	private static Backend backendOn(int port) {
		return new Backend("svc", 0, URI.create("http://127.0.0.1:" + port), 1, null, Backends.DEFAULT_HEALTH);
	}

	/**
	 * Answers {@code 200} with keep-alive to the first {@code answersPerConnection}
	 * requests of each connection, then closes the connection on the next request
	 * without answering it.
	 */
	static final class KeepAliveServer implements AutoCloseable {

		private final ServerSocket socket;

		private final int answersPerConnection;

		private final AtomicInteger connections = new AtomicInteger();

		private final AtomicInteger requests = new AtomicInteger();

		KeepAliveServer(int answersPerConnection) throws IOException {
			this.answersPerConnection = answersPerConnection;
			this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			Thread acceptor = new Thread(this::accept, "keep-alive-server");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		int port() {
			return this.socket.getLocalPort();
		}

		AtomicInteger connections() {
			return this.connections;
		}

		AtomicInteger requests() {
			return this.requests;
		}

		private void accept() {
			while (!this.socket.isClosed()) {
				try {
					Socket connection = this.socket.accept();
					this.connections.incrementAndGet();
					Thread handler = new Thread(() -> serve(connection), "keep-alive-connection");
					handler.setDaemon(true);
					handler.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private void serve(Socket connection) {
			try (connection) {
				BufferedReader in = new BufferedReader(
						new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII));
				OutputStream out = connection.getOutputStream();
				int answered = 0;
				while (readRequest(in)) {
					if (answered == this.answersPerConnection) {
						return;
					}
					this.requests.incrementAndGet();
					out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n"
						.getBytes(StandardCharsets.US_ASCII));
					out.flush();
					answered++;
				}
			}
			catch (IOException ex) {
				// the client went away
			}
		}

		/** Reads one request's head (probes have no body); false at end of stream. */
		private static boolean readRequest(BufferedReader in) throws IOException {
			String line = in.readLine();
			if (line == null) {
				return false;
			}
			while (line != null && !line.isEmpty()) {
				line = in.readLine();
			}
			return true;
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
