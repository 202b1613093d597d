package io.smartstick.test;

import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.GlobalEventExecutor;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import reactor.netty.resources.LoopResources;

/**
 * A real WebSocket peer on loopback: {@code /ws} greets with {@code hello from <name>},
 * then echoes every text and binary frame; a text frame {@code close:<code>} makes it
 * close with that status code. {@code /refuse} answers the upgrade with 403.
 * {@code /slowbody?ms=N} sends its headers at once and its body N milliseconds later.
 * Other plain HTTP requests get {@code backend-<name>}, so health checks pass.
 */
public final class WebSocketBackend implements AutoCloseable {

	private final String name;

	private final DisposableServer server;

	private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

	/**
	 * Own event loop: a Spring context closing elsewhere in the test JVM may dispose Reactor
	 * Netty's global resources, which would silently break a server running on them.
	 */
	private final LoopResources loops;

	public WebSocketBackend(String name) {
		this.name = name;
		this.loops = LoopResources.create("ws-backend-" + name, 1, true);
		this.server = HttpServer.create()
			.runOn(this.loops)
			.host("127.0.0.1")
			.port(0)
			.channelGroup(this.connections)
			.route((routes) -> routes.ws("/ws", this::echo)
				.get("/refuse",
						(request, response) -> response.status(HttpResponseStatus.FORBIDDEN)
							.header("x-refused-by", name)
							.sendString(Mono.just("no sockets here")))
				.get("/slowbody", (request, response) -> {
					long millis = Long.parseLong(new io.netty.handler.codec.http.QueryStringDecoder(request.uri())
						.parameters()
						.get("ms")
						.get(0));
					return response.sendHeaders()
						.then(response.sendString(Mono.delay(java.time.Duration.ofMillis(millis))
							.thenReturn("late body from " + name)));
				})
				.route((request) -> true,
						(request, response) -> response.sendString(Mono.just("backend-" + name))))
			.bindNow();
	}

	private org.reactivestreams.Publisher<Void> echo(WebsocketInbound in, WebsocketOutbound out) {
		reactor.core.publisher.Flux<WebSocketFrame> echoes = in.receiveFrames().concatMap((frame) -> {
			if (frame instanceof TextWebSocketFrame text && text.text().startsWith("close:")) {
				int code = Integer.parseInt(text.text().substring("close:".length()));
				return Mono.just(new CloseWebSocketFrame(code, "asked to"));
			}
			if (frame instanceof TextWebSocketFrame text) {
				return Mono.just(new TextWebSocketFrame(text.text()));
			}
			if (frame instanceof BinaryWebSocketFrame binary) {
				return Mono.just(new BinaryWebSocketFrame(binary.content().retain()));
			}
			return Mono.empty();
		});
		return out.sendObject(reactor.core.publisher.Flux
			.concat(Mono.just(new TextWebSocketFrame("hello from " + this.name)), echoes)).then();
	}

	public String url() {
		return "http://127.0.0.1:" + this.server.port();
	}

	/**
	 * Stop listening and break every open connection, as a crashed server would.
	 */
	@Override
	public void close() {
		this.connections.close().awaitUninterruptibly(5000);
		this.server.disposeNow();
		this.loops.disposeLater().block(java.time.Duration.ofSeconds(10));
	}

}
