package io.smartstick.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The demo's two pools on free loopback ports instead of 5000 to 5003, for tests that
 * start the sample.
 */
final class DemoProperties {

	private DemoProperties() {
	}

	/**
	 * Return four loopback ports that were free a moment ago.
	 * @return the ports of the default pool's two backends, then the api pool's two
	 */
	static int[] freePorts() {
		return new int[] { freePort(), freePort(), freePort(), freePort() };
	}

	/**
	 * Register the demo backends on the given ports, restating both pools' backends in
	 * full (a list comes whole from the source that sets it).
	 * @param properties the registry
	 * @param ports the four ports
	 */
	static void register(DynamicPropertyRegistry properties, int[] ports) {
		properties.add("sample.demo-ports", () -> ports[0] + "," + ports[1] + "," + ports[2] + "," + ports[3]);
		properties.add("smartstick.backends[0].id", () -> "0");
		properties.add("smartstick.backends[0].url", () -> "http://127.0.0.1:" + ports[0]);
		properties.add("smartstick.backends[0].weight", () -> "2");
		properties.add("smartstick.backends[0].health-path", () -> "/health");
		properties.add("smartstick.backends[1].id", () -> "1");
		properties.add("smartstick.backends[1].url", () -> "http://127.0.0.1:" + ports[1]);
		properties.add("smartstick.backends[1].health-path", () -> "/health");
		properties.add("smartstick.backends[1].health-method", () -> "HEAD");
		properties.add("smartstick.pools.api.backends[0].id", () -> "0");
		properties.add("smartstick.pools.api.backends[0].url", () -> "http://127.0.0.1:" + ports[2]);
		properties.add("smartstick.pools.api.backends[0].health-path", () -> "/health");
		properties.add("smartstick.pools.api.backends[1].id", () -> "1");
		properties.add("smartstick.pools.api.backends[1].url", () -> "http://127.0.0.1:" + ports[3]);
		properties.add("smartstick.pools.api.backends[1].health-path", () -> "/health");
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
