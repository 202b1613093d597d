package io.smartstick.tunnel;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.smartstick.balancer.Backend;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

/**
 * A WebSocket connection after the backend accepted its upgrade: the client's and the
 * backend's Netty channels joined byte for byte. Once the backend's {@code 101} has been
 * written to the client, both pipelines lose their HTTP handlers and a {@link TunnelRelay}
 * on each side writes whatever it reads to the other side, frames undecoded. Each side
 * stops reading while the other cannot take more, so a slow reader never makes the
 * tunnel buffer more than a channel's write buffer; when either side closes, the other
 * is closed once what was read from the first is written.
 *
 * @author smart-stick
 */
final class WebSocketTunnel {

	private static final Log logger = LogFactory.getLog(WebSocketTunnel.class);

	static final String RELAY = "smartstick.tunnelRelay";

	static final String IDLE = "smartstick.tunnelIdle";

	/**
	 * Reactor Netty's HTTP/1.1 handlers, removed from both pipelines once the upgrade is
	 * through: codecs, keep-alive and timeout handling, compression, HTTP metrics and
	 * access log. TLS, connection metrics and logging stay.
	 */
	private static final String[] HTTP_HANDLERS = { NettyPipeline.HttpTrafficHandler, NettyPipeline.AccessLogHandler,
			NettyPipeline.HttpMetricsHandler, NettyPipeline.CompressionHandler, NettyPipeline.HttpDecompressor,
			NettyPipeline.HttpAggregator, NettyPipeline.H2CUpgradeHandler, NettyPipeline.ReadTimeoutHandler,
			NettyPipeline.ResponseTimeoutHandler, NettyPipeline.IdleTimeoutHandler, NettyPipeline.HttpCodec };

	private final Channel backendChannel;

	private final TunnelRelay backendRelay;

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile Channel clientChannel;

	private WebSocketTunnel(Channel backendChannel, TunnelRelay backendRelay) {
		this.backendChannel = backendChannel;
		this.backendRelay = backendRelay;
	}

	/**
	 * Take over the backend's connection as its {@code 101} arrives, before anything after
	 * it is read: it never returns to a pool, and bytes the backend sent right after its
	 * answer are held until the client side is ready. Must be called on the backend
	 * channel's event loop, while its answer is being read (Reactor Netty's
	 * {@code responseConnection} calls its receiver there, as the answer's headers are
	 * read).
	 * @param backend the backend's connection
	 * @return the tunnel, to {@link #join} with the client
	 */
	static WebSocketTunnel accept(Connection backend) {
		backend.markPersistent(false);
		// the answer has no body to read: the end of the connection is the tunnel's, not a premature close of the
		// answer to warn about. Subscribed before auto-read is turned off, which the subscription leaves alone.
		backend.inbound().receive().subscribe(null, (ex) -> logger.trace("Tunnel's backend connection ended", ex));
		Channel channel = backend.channel();
		channel.config().setAutoRead(false);
		// as on the client's side (Reactor Netty's server default): a small message that arrives in two reads is
		// written in two segments, and Nagle's algorithm would hold the second back for the backend's delayed ACK
		channel.config().setOption(ChannelOption.TCP_NODELAY, true);
		ChannelPipeline pipeline = channel.pipeline();
		TunnelRelay relay = new TunnelRelay("backend");
		pipeline.addBefore(NettyPipeline.ReactiveBridge, RELAY, relay);
		// the codec hands what it holds beyond the 101 to the relay, and Reactor Netty never sees the end of this
		// response: its connection is not released while the tunnel is open
		removeHttpHandlers(pipeline);
		return new WebSocketTunnel(channel, relay);
	}

	/**
	 * Write the {@code 101} to the client and join the two connections.
	 * @param client the client's connection, whose response headers are the ones sent
	 * @param headers the client's response headers: the backend's and smart-stick's own
	 * @param reason the reason phrase of the backend's status line
	 * @param backend the backend, whose open tunnels are counted
	 * @param idleTimeout time without traffic after which both connections are closed, or
	 * {@code null} for none
	 * @return completes once both connections are closed; cancelling it closes them
	 */
	Mono<Void> join(Connection client, HttpHeaders headers, String reason, Backend backend, Duration idleTimeout) {
		return Mono.create((sink) -> {
			sink.onCancel(this::close);
			Channel channel = client.channel();
			if (channel.eventLoop().inEventLoop()) {
				start(channel, client, headers, reason, backend, idleTimeout, sink);
			}
			else {
				channel.eventLoop()
					.execute(() -> start(channel, client, headers, reason, backend, idleTimeout, sink));
			}
		});
	}

	private void start(Channel channel, Connection client, HttpHeaders headers, String reason, Backend backend,
			Duration idleTimeout, MonoSink<Void> sink) {
		this.clientChannel = channel;
		if (this.closed.get() || !channel.isActive()) {
			// cancelled, or the client gone before the 101 was written: neither connection is of use any more
			this.closed.set(true);
			this.backendChannel.close();
			this.backendChannel.eventLoop().execute(this.backendRelay::discard);
			channel.close();
			sink.success();
			return;
		}
		// a backend already closed still gets its 101 and what it sent after it to the client, which is closed then
		client.markPersistent(false);
		ChannelPipeline pipeline = channel.pipeline();
		TunnelRelay clientRelay = new TunnelRelay("client");
		clientRelay.connect(channel, this.backendChannel);
		pipeline.addBefore(NettyPipeline.ReactiveBridge, RELAY, clientRelay);
		if (idleTimeout != null) {
			pipeline.addBefore(RELAY, IDLE, new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
		}
		removeHttpHandlers(pipeline);
		channel.writeAndFlush(switchingProtocols(reason, headers));
		backend.tunnelOpened();
		// a backend removed from its pool closes its tunnels when its drain timeout ends
		Runnable closeOnRetire = this::close;
		backend.whenRetired(closeOnRetire);
		AtomicInteger open = new AtomicInteger(2);
		AtomicReference<String> first = new AtomicReference<>();
		Consumer<String> closed = (side) -> {
			first.compareAndSet(null, side);
			if (open.decrementAndGet() == 0) {
				backend.tunnelClosed();
				backend.forgetRetireAction(closeOnRetire);
				if (logger.isDebugEnabled()) {
					logger.debug("WebSocket tunnel to backend " + backend.idValue() + " closed, the " + first.get()
							+ "'s connection first: " + clientRelay + ", " + this.backendRelay);
				}
				sink.success();
			}
		};
		channel.closeFuture().addListener((future) -> closed.accept("client"));
		this.backendChannel.closeFuture().addListener((future) -> closed.accept("backend"));
		this.backendChannel.eventLoop().execute(() -> this.backendRelay.connect(this.backendChannel, channel));
	}

	/**
	 * Close both connections, whatever state the tunnel is in.
	 */
	void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.backendChannel.close();
			// what the backend sent, if the client side never got it: a relay already connected holds nothing
			this.backendChannel.eventLoop().execute(this.backendRelay::discard);
			Channel client = this.clientChannel;
			if (client != null) {
				client.close();
			}
		}
	}

	private static ByteBuf switchingProtocols(String reason, HttpHeaders headers) {
		StringBuilder head = new StringBuilder(512).append("HTTP/1.1 101 ").append(reason).append("\r\n");
		for (Map.Entry<String, String> header : headers) {
			String name = header.getKey();
			// Reactor Netty's defaults for a response with a body: a 101 has none
			if (!HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)
					&& !HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)) {
				head.append(name).append(": ").append(header.getValue()).append("\r\n");
			}
		}
		head.append("\r\n");
		return Unpooled.wrappedBuffer(head.toString().getBytes(StandardCharsets.ISO_8859_1));
	}

	private static void removeHttpHandlers(ChannelPipeline pipeline) {
		for (String name : HTTP_HANDLERS) {
			remove(pipeline, name);
		}
		List<ChannelHandler> codecs = new ArrayList<>();
		pipeline.forEach((entry) -> {
			if (entry.getValue() instanceof HttpServerCodec || entry.getValue() instanceof HttpClientCodec) {
				codecs.add(entry.getValue());
			}
		});
		codecs.forEach(pipeline::remove);
	}

	private static void remove(ChannelPipeline pipeline, String name) {
		if (pipeline.get(name) != null) {
			pipeline.remove(name);
		}
	}

}
