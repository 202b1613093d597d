package io.smartstick.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Function;

import javax.net.ServerSocketFactory;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * Starts {@link MockWebServer MockWebServers} on loopback that answer as promptly as a
 * real backend.
 * <p>
 * MockWebServer writes a response's head and body separately on a socket with Nagle's
 * algorithm on, so the body waits for the peer's delayed acknowledgement of the head:
 * about 20 ms a request on Linux, which made tests that send a few hundred requests take
 * tens of seconds. Its accepted sockets here have {@code TCP_NODELAY}, as Netty's and
 * nginx's do.
 */
public final class MockWebServers {

	private MockWebServers() {
	}

	/**
	 * Start a server on a free loopback port.
	 * @param answer what to answer each request with
	 * @return the started server
	 */
	public static MockWebServer start(Function<RecordedRequest, MockResponse> answer) {
		MockWebServer server = new MockWebServer();
		server.setServerSocketFactory(new NoDelayServerSocketFactory());
		server.setDispatcher(new Dispatcher() {
			@Override
			public MockResponse dispatch(RecordedRequest request) {
				return answer.apply(request);
			}
		});
		try {
			server.start(InetAddress.getLoopbackAddress(), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return server;
	}

	private static final class NoDelayServerSocketFactory extends ServerSocketFactory {

		@Override
		public ServerSocket createServerSocket() throws IOException {
			return new NoDelayServerSocket();
		}

		@Override
		public ServerSocket createServerSocket(int port) throws IOException {
			return createServerSocket(port, 50, null);
		}

		@Override
		public ServerSocket createServerSocket(int port, int backlog) throws IOException {
			return createServerSocket(port, backlog, null);
		}

		@Override
		public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
			ServerSocket socket = new NoDelayServerSocket();
			socket.bind(new InetSocketAddress(address, port), backlog);
			return socket;
		}

	}

	private static final class NoDelayServerSocket extends ServerSocket {

		NoDelayServerSocket() throws IOException {
		}

		@Override
		public Socket accept() throws IOException {
			Socket socket = super.accept();
			socket.setTcpNoDelay(true);
			return socket;
		}

	}

}
