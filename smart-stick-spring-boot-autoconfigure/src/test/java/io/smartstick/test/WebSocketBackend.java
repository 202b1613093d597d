package io.smartstick.test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
 * then echoes every text and binary message (fragments aggregated, up to 64 MiB) in one
 * frame; a text frame {@code close:<code>} makes it close with that status code.
 * {@code /ws-rich} does the same with permessage-deflate, a {@code Set-Cookie} and an
 * {@code X-Served-By} header on its {@code 101}, and only the {@code chat.v2} subprotocol.
 * {@code /ws-bye} greets with {@code bye from <name>} and closes at once (status 1000).
 * {@code /ws-headers} greets with some of its upgrade request's headers
 * ({@code Host=... X-Forwarded-For=... X-Forwarded-Proto=... Cookie=... X-Custom=...})
 * and waits for the client to close. {@code /flood} sends {@value #FLOOD_FRAMES} binary
 * frames of {@value #FLOOD_FRAME_SIZE} bytes as fast as its connection takes them.
 * {@code /refuse} answers the upgrade with 403. {@code /slowbody?ms=N} sends its headers
 * at once and its body N milliseconds later. Other plain HTTP requests get
 * {@code backend-<name>}, so health checks pass.
 */
public final class WebSocketBackend implements AutoCloseable {

	/** Number of frames {@code /flood} sends. */
	public static final int FLOOD_FRAMES = 8192;

	/** Payload bytes of each frame {@code /flood} sends (a 4-byte frame header each). */
	public static final int FLOOD_FRAME_SIZE = 32 * 1024;

	private static final int MAX_FRAME = 64 * 1024 * 1024;

	private final String name;

	private final AtomicInteger openSessions = new AtomicInteger();

	private final AtomicLong floodWritten = new AtomicLong();

	private volatile io.netty.channel.Channel floodChannel;

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
			.route((routes) -> routes
				.ws("/ws", this::echo, reactor.netty.http.server.WebsocketServerSpec.builder()
					.maxFramePayloadLength(MAX_FRAME)
					.build())
				.get("/ws-rich", (request, response) -> response
					.header("Set-Cookie", "app-session=" + name + "; Path=/")
					.header("X-Served-By", "backend-" + name)
					.sendWebsocket(this::echo, reactor.netty.http.server.WebsocketServerSpec.builder()
						.maxFramePayloadLength(MAX_FRAME)
						.protocols("chat.v2")
						.compress(true)
						.build()))
				.ws("/flood", this::flood)
				.ws("/ws-bye", (in, out) -> out.sendObject(Mono.just(new TextWebSocketFrame("bye from " + name)))
					.then(out.sendClose(1000, "bye")))
				.get("/ws-headers", (request, response) -> {
					io.netty.handler.codec.http.HttpHeaders headers = request.requestHeaders();
					String seen = "Host=" + headers.get("Host") + " X-Forwarded-For=" + headers.get("X-Forwarded-For")
							+ " X-Forwarded-Proto=" + headers.get("X-Forwarded-Proto") + " Cookie="
							+ headers.get("Cookie") + " X-Custom=" + headers.get("X-Custom");
					return response.sendWebsocket((in, out) -> out.sendObject(Mono.just(new TextWebSocketFrame(seen)))
						.then()
						.and(in.receive().then()));
				})
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
		track(out);
		reactor.core.publisher.Flux<WebSocketFrame> echoes = in.aggregateFrames(MAX_FRAME)
			.receiveFrames()
			.concatMap((frame) -> {
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

	private org.reactivestreams.Publisher<Void> flood(WebsocketInbound in, WebsocketOutbound out) {
		track(out);
		out.withConnection((connection) -> this.floodChannel = connection.channel());
		byte[] payload = new byte[FLOOD_FRAME_SIZE];
		java.util.Arrays.fill(payload, (byte) 'f');
		// counted as Reactor Netty takes each frame, which it does only while the connection is writable
		return out.sendObject(reactor.core.publisher.Flux.range(0, FLOOD_FRAMES).map((i) -> {
			this.floodWritten.addAndGet(FLOOD_FRAME_SIZE);
			return new BinaryWebSocketFrame(io.netty.buffer.Unpooled.wrappedBuffer(payload));
		})).then().and(in.receive().then());
	}

	private void track(WebsocketOutbound out) {
		this.openSessions.incrementAndGet();
		out.withConnection((connection) -> connection.onDispose(this.openSessions::decrementAndGet));
	}

	/**
	 * Return the number of WebSocket sessions open on this backend.
	 * @return the open session count
	 */
	public int openSessions() {
		return this.openSessions.get();
	}

	/**
	 * Return the bytes of {@code /flood} frames written to the network so far.
	 * @return the byte count
	 */
	public long floodWritten() {
		return this.floodWritten.get();
	}

	/**
	 * Whether the connection of the latest {@code /flood} is open and cannot take more.
	 * @return {@code true} while that connection is not writable
	 */
	public boolean floodBlocked() {
		io.netty.channel.Channel channel = this.floodChannel;
		return channel != null && channel.isActive() && !channel.isWritable();
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
