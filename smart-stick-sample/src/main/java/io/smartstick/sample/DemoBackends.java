package io.smartstick.sample;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.context.SmartLifecycle;

/**
 * Two tiny HTTP servers standing in for real backends, like the original's
 * {@code server5000.js} and {@code server5001.js}: every path answers
 * {@code Hello from Server <port>}, and {@code /health} answers {@code {"status":"ok"}}.
 * They start before the load balancer takes traffic and can be stopped and started again
 * to watch failover and recovery.
 *
 * @author smart-stick
 */
public class DemoBackends implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(DemoBackends.class);

	private final String host;

	private final List<Integer> ports;

	private final Map<Integer, DisposableServer> running = new ConcurrentHashMap<>();

	private final Map<Integer, ChannelGroup> connections = new ConcurrentHashMap<>();

	private volatile boolean started;

	DemoBackends(String host, List<Integer> ports) {
		this.host = host;
		this.ports = List.copyOf(ports);
	}

	@Override
	public void start() {
		this.ports.forEach((port) -> this.running.put(port, server(port).bindNow()));
		this.ports.forEach((port) -> logger.info("Demo backend running on http://" + this.host + ":" + port));
		this.started = true;
	}

	/**
	 * Start the demo backend on the given port again, if it is one of ours and stopped.
	 * @param port the port
	 * @return whether it was started
	 */
	Mono<Boolean> start(int port) {
		if (!this.ports.contains(port) || this.running.containsKey(port)) {
			return Mono.just(false);
		}
		return server(port).bind().map((server) -> {
			this.running.put(port, server);
			logger.info("Demo backend on port " + port + " started again");
			return true;
		});
	}

	private HttpServer server(int port) {
		ChannelGroup group = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
		this.connections.put(port, group);
		return HttpServer.create()
			.host(this.host)
			.port(port)
			.channelGroup(group)
			.route((routes) -> routes
				.get("/health",
						(request, response) -> response.header("Content-Type", "application/json")
							.sendString(Mono.just("{\"status\":\"ok\"}")))
				.route((request) -> true,
						(request, response) -> response.header("Content-Type", "text/plain; charset=utf-8")
							.sendString(Mono.just("Hello from Server " + port))));
	}

	/**
	 * Stop the demo backend on the given port: its port closes, as if the server died.
	 * @param port the port
	 * @return {@code true} if it was running
	 */
	boolean stop(int port) {
		DisposableServer server = this.running.remove(port);
		if (server == null) {
			return false;
		}
		server.dispose();
		// break open keep-alive connections too, as a crashed server would
		ChannelGroup group = this.connections.remove(port);
		if (group != null) {
			group.close();
		}
		logger.info("Demo backend on port " + port + " stopped");
		return true;
	}

	@Override
	public void stop() {
		this.connections.values().forEach(ChannelGroup::close);
		this.connections.clear();
		this.running.values().forEach(DisposableServer::disposeNow);
		this.running.clear();
		this.started = false;
	}

	@Override
	public boolean isRunning() {
		return this.started;
	}

	@Override
	public int getPhase() {
		// before the web server, so the balancer never answers while its backends are missing
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

}
