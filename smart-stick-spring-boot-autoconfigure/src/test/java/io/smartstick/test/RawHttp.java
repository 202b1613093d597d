package io.smartstick.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Speaks HTTP/1.1 over a plain socket, for requests no HTTP client would send: malformed
 * heads, request targets that are not URIs, heads trickled in byte by byte.
 */
public final class RawHttp {

	private RawHttp() {
	}

	/**
	 * Open a connection to the load balancer.
	 * @param port its port on loopback
	 * @return the connection, with a read timeout of 10 s
	 * @throws IOException if it cannot connect
	 */
	public static Socket connect(int port) throws IOException {
		Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
		socket.setSoTimeout(10_000);
		return socket;
	}

	/**
	 * Send bytes as they are: each character of the text is one byte (ISO-8859-1), so a
	 * test can send bytes that are not ASCII.
	 * @param socket the connection
	 * @param text what to send
	 * @throws IOException if the connection fails
	 */
	public static void send(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
	}

	/**
	 * Read everything until the server closes the connection, failing if it is still
	 * open after the given time.
	 * @param socket the connection
	 * @param within how long the server may take to close it
	 * @return what was received, as ISO-8859-1 text
	 * @throws IOException if reading fails other than by the server closing or resetting
	 */
	public static String readUntilClosed(Socket socket, Duration within) throws IOException {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		long deadline = System.nanoTime() + within.toNanos();
		socket.setSoTimeout(250);
		InputStream in = socket.getInputStream();
		while (System.nanoTime() < deadline) {
			try {
				int b = in.read();
				if (b == -1) {
					return received.toString(StandardCharsets.ISO_8859_1);
				}
				received.write(b);
			}
			catch (SocketTimeoutException ex) {
				// keep waiting until the deadline
			}
			catch (IOException ex) {
				// reset by the server: closed too
				return received.toString(StandardCharsets.ISO_8859_1);
			}
		}
		throw new AssertionError("connection still open after " + within + "; received: " + received);
	}

	/**
	 * Send bytes on a new connection and return all that comes back until the server
	 * closes it, failing if it is still open after 10 s.
	 * @param port the load balancer's port on loopback
	 * @param request what to send, as {@link #send} sends it
	 * @return the answer, head and body
	 * @throws IOException if the connection fails
	 */
	public static String exchange(int port, String request) throws IOException {
		try (Socket socket = connect(port)) {
			send(socket, request);
			return readUntilClosed(socket, Duration.ofSeconds(10));
		}
	}

	/**
	 * Send one {@code GET} with {@code Connection: close} and return the whole answer.
	 * @param port the load balancer's port on loopback
	 * @param target the request target, sent as it is
	 * @param host the {@code Host} header's value
	 * @return the answer, head and body
	 * @throws IOException if the connection fails
	 */
	public static String get(int port, String target, String host) throws IOException {
		return exchange(port, "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
	}

}
