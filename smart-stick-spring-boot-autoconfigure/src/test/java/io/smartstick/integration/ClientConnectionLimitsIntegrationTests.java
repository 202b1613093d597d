package io.smartstick.integration;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.RawHttp;
import io.smartstick.test.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a client connection may cost the load balancer: a request head that does not
 * arrive in time (slowloris), an idle kept-alive connection and a malformed request each
 * end with the connection closed, and a malformed body never reaches a backend.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.proxy.request-header-timeout=700ms", "server.netty.idle-timeout=3s",
				"smartstick.health.enabled=false", "smartstick.health.passive=false", "smartstick.proxy.retries=0" })
class ClientConnectionLimitsIntegrationTests {

	static final TestBackend backend = new TestBackend("0");

	static final ByteCountingBackend counting = new ByteCountingBackend();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend::url, 1);
		// weight 0: only requests pinned to it by cookie reach it
		LoadBalancerTests.backend(properties, 1, 1, counting::url, 0);
	}

	@AfterAll
	static void stopBackends() {
		backend.close();
		counting.close();
	}

	@Test
	void halfARequestLineIsAnswered408AndClosed() throws IOException {
		try (Socket socket = connect()) {
			RawHttp.send(socket, "GET /echo HT");
			String answer = RawHttp.readUntilClosed(socket, Duration.ofSeconds(10));
			assertThat(answer).startsWith("HTTP/1.1 408 ");
		}
	}

	@Test
	void aHeadSentByteByByteDoesNotKeepTheConnectionOpen() throws IOException {
		String head = "GET /echo HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + "a".repeat(200) + "\r\n\r\n";
		try (Socket socket = connect()) {
			socket.setSoTimeout(100);
			InputStream in = socket.getInputStream();
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			int sent = 0;
			boolean closed = false;
			while (!closed && sent < head.length() && System.nanoTime() < deadline) {
				try {
					RawHttp.send(socket, head.substring(sent, sent + 1));
					sent++;
					closed = in.read() == -1 || drained(in);
				}
				catch (SocketTimeoutException ex) {
					// nothing to read yet: send the next byte
				}
				catch (IOException ex) {
					closed = true;
				}
			}
			assertThat(closed).as("closed before the whole head (%d bytes) was trickled in", head.length()).isTrue();
			assertThat(sent).isLessThan(head.length());
		}
	}

	@Test
	void manyHalfOpenRequestsAreAllClosed() throws IOException {
		List<Socket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < 100; i++) {
				Socket socket = connect();
				sockets.add(socket);
				RawHttp.send(socket, "POST /echo HTTP/1.1\r\nHost: loc");
			}
			for (Socket socket : sockets) {
				assertThat(RawHttp.readUntilClosed(socket, Duration.ofSeconds(10))).startsWith("HTTP/1.1 408 ");
			}
		}
		finally {
			for (Socket socket : sockets) {
				socket.close();
			}
		}
	}

	@Test
	void aLaterHeadOnAKeptAliveConnectionIsTimedToo() throws IOException {
		try (Socket socket = connect()) {
			RawHttp.send(socket, "GET /echo HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(readResponse(socket)).startsWith("HTTP/1.1 200 ");
			// the timer armed when the connection opened finds this head with time left, and waits for it
			RawHttp.send(socket, "GET /echo HTTP/1.1\r\nHost: loc");
			assertThat(RawHttp.readUntilClosed(socket, Duration.ofSeconds(10))).startsWith("HTTP/1.1 408 ");
		}
	}

	@Test
	void aConnectionThatSendsNothingIsClosed() throws IOException {
		try (Socket socket = connect()) {
			assertThat(RawHttp.readUntilClosed(socket, Duration.ofSeconds(10))).isEmpty();
		}
	}

	@Test
	void aKeptAliveConnectionWaitsLongerThanTheHeadTimeoutForItsNextRequest() throws IOException {
		try (Socket socket = connect()) {
			RawHttp.send(socket, "GET /echo HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(readResponse(socket)).startsWith("HTTP/1.1 200 ");
			// idle for longer than the head timeout, shorter than the idle timeout
			socket.setSoTimeout(1500);
			assertThat(socket.getInputStream().read()).as("nothing to read, connection open").isEqualTo(-2);
		}
		catch (SocketTimeoutException expected) {
			// the connection outlived the head timeout while idle: what this test wants
		}
	}

	@Test
	void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws IOException {
		try (Socket socket = connect()) {
			RawHttp.send(socket, "GET /echo HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(readResponse(socket)).startsWith("HTTP/1.1 200 ");
			long start = System.nanoTime();
			assertThat(RawHttp.readUntilClosed(socket, Duration.ofSeconds(15))).isEmpty();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
		}
	}

	@Test
	void aMalformedRequestIsAnswered400AndClosed() throws IOException {
		try (Socket socket = connect()) {
			RawHttp.send(socket, "GET /echo HTTP/1.1\r\nHost: localhost\r\nBad Header Line\r\n\r\n");
			assertThat(RawHttp.readUntilClosed(socket, Duration.ofSeconds(10))).startsWith("HTTP/1.1 400 ");
		}
	}

	@Test
	void aMalformedChunkSizeIsAnswered400WithoutReachingTheBackend() throws IOException {
		long before = counting.bytes();
		try (Socket socket = connect()) {
			RawHttp.send(socket, "POST /echo HTTP/1.1\r\nHost: localhost\r\nCookie: X-Backend-ID=1\r\n"
					+ "Transfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n");
			assertThat(RawHttp.readUntilClosed(socket, Duration.ofSeconds(10))).startsWith("HTTP/1.1 400 ");
		}
		assertThat(counting.bytes()).as("bytes the backend received").isEqualTo(before);
	}

	@Test
	void aWellFormedChunkedBodyIsProxiedWhole() throws IOException {
		try (Socket socket = connect()) {
			RawHttp.send(socket, "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
			RawHttp.send(socket, "4\r\ndefg\r\n0\r\n\r\n");
			String head = readResponse(socket);
			assertThat(head).startsWith("HTTP/1.1 200 ").containsIgnoringCase("content-length: 7");
		}
	}

	private Socket connect() throws IOException {
		return RawHttp.connect(this.port);
	}

	private static boolean drained(InputStream in) throws IOException {
		while (in.available() > 0) {
			if (in.read() == -1) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Read one response whose head says its length, without waiting for the connection to
	 * close.
	 */
	private static String readResponse(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
			int b = in.read();
			assertThat(b).as("response head complete").isNotEqualTo(-1);
			head.write(b);
		}
		String text = head.toString(StandardCharsets.US_ASCII);
		String lower = text.toLowerCase();
		int at = lower.indexOf("content-length: ");
		assertThat(at).as("response has a content-length:%n%s", text).isNotNegative();
		int length = Integer.parseInt(lower.substring(at + 16, lower.indexOf("\r\n", at)).trim());
		assertThat(in.readNBytes(length)).hasSize(length);
		return text;
	}

	/**
	 * A backend that accepts connections and counts the bytes it receives, never answering.
	 */
	static final class ByteCountingBackend implements AutoCloseable {

		private final ServerSocket server;

		private final AtomicLong bytes = new AtomicLong();

		private final List<Socket> accepted = new ArrayList<>();

		ByteCountingBackend() {
			try {
				this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			Thread acceptor = new Thread(this::accept, "byte-counting-backend");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		String url() {
			return "http://127.0.0.1:" + this.server.getLocalPort();
		}

		long bytes() {
			return this.bytes.get();
		}

		private void accept() {
			while (!this.server.isClosed()) {
				try {
					Socket socket = this.server.accept();
					synchronized (this.accepted) {
						this.accepted.add(socket);
					}
					Thread reader = new Thread(() -> count(socket), "byte-counting-reader");
					reader.setDaemon(true);
					reader.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private void count(Socket socket) {
			byte[] buffer = new byte[4096];
			try (InputStream in = socket.getInputStream()) {
				for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
					this.bytes.addAndGet(n);
				}
			}
			catch (IOException ex) {
				// closed
			}
		}

		@Override
		public void close() {
			try {
				this.server.close();
				synchronized (this.accepted) {
					for (Socket socket : this.accepted) {
						socket.close();
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
