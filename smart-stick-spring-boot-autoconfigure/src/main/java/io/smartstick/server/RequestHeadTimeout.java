package io.smartstick.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.netty.NettyPipeline;

/**
 * Closes a client connection whose request head (request line and headers) does not
 * arrive in full within a time limit, like Tomcat's connection timeout or nginx's
 * {@code client_header_timeout}: a client sending its head a byte at a time (slowloris)
 * otherwise holds a connection and a file descriptor for as long as it likes, since every
 * byte resets an idle timeout. The clock starts when the connection opens and, on a
 * kept-alive connection, when the first byte of the next request arrives (the time between
 * requests is the idle timeout's business). A client that sent part of a head is answered
 * {@code 408} before the connection closes. Once a connection is upgraded (a WebSocket),
 * the limit no longer applies.
 * <p>
 * One instance per connection, as two handlers around Reactor Netty's HTTP codec: one
 * sees the bytes arrive, the other the decoded request heads and the responses leaving.
 *
 * @author smart-stick
 */
final class RequestHeadTimeout {

	static final String BYTES_HANDLER = "smartstick.requestHeadTimeout.bytes";

	static final String HEADS_HANDLER = "smartstick.requestHeadTimeout.heads";

	private static final Log logger = LogFactory.getLog(RequestHeadTimeout.class);

	private static final byte[] REQUEST_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\n"
			+ "connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

	private enum State {

		/** Between requests: waiting for the first byte of the next head. */
		IDLE,

		/** Some or none of a head has arrived; the clock runs. */
		READING_HEAD,

		/** A head was decoded; waiting for its response to be written. */
		IN_REQUEST,

		/** Upgraded or closed: nothing more to watch. */
		DONE

	}

	private final long timeoutNanos;

	private State state = State.READING_HEAD;

	private boolean headStarted;

	/** When the current head's clock started. */
	private long headStartNanos;

	private ScheduledFuture<?> timer;

	private RequestHeadTimeout(Duration timeout) {
		this.timeoutNanos = timeout.toNanos();
	}

	/**
	 * Add a handler to a new HTTP/1.1 connection's pipeline, behind its HTTP codec and the
	 * head timeout's handler when there is one, so it sees whole request heads. A
	 * connection without an HTTP codec is left alone.
	 * @param pipeline the connection's pipeline
	 * @param name the handler's name
	 * @param handler the handler
	 */
	static void addBehindHeads(ChannelPipeline pipeline, String name, ChannelHandler handler) {
		if (pipeline.get(NettyPipeline.HttpCodec) == null) {
			return;
		}
		pipeline.addAfter((pipeline.get(HEADS_HANDLER) != null) ? HEADS_HANDLER : NettyPipeline.HttpCodec, name,
				handler);
	}

	/**
	 * Add the handlers to a new HTTP/1.1 connection's pipeline, around its HTTP codec.
	 * Connections without one (HTTP/2) are left alone.
	 * @param pipeline the connection's pipeline
	 * @param timeout the time a request head may take
	 */
	static void install(ChannelPipeline pipeline, Duration timeout) {
		if (pipeline.get(NettyPipeline.HttpCodec) == null) {
			return;
		}
		RequestHeadTimeout watch = new RequestHeadTimeout(timeout);
		pipeline.addBefore(NettyPipeline.HttpCodec, BYTES_HANDLER, watch.new Bytes());
		pipeline.addAfter(NettyPipeline.HttpCodec, HEADS_HANDLER, watch.new Heads());
	}

	/**
	 * Start the clock of a request head. The timer is armed only when none is: a head
	 * that arrives in time leaves the timer as it is, and when it fires it checks the head
	 * being read then, if any, re-arming itself for what that head has left. A kept-alive
	 * connection thus costs one timer per timeout period, not one per request.
	 */
	private void start(ChannelHandlerContext ctx) {
		this.headStartNanos = System.nanoTime();
		if (this.timer == null) {
			arm(ctx, this.timeoutNanos);
		}
	}

	private void arm(ChannelHandlerContext ctx, long delayNanos) {
		this.timer = ctx.executor().schedule(() -> expire(ctx), delayNanos, TimeUnit.NANOSECONDS);
	}

	private void stop() {
		if (this.timer != null) {
			this.timer.cancel(false);
			this.timer = null;
		}
	}

	private void expire(ChannelHandlerContext ctx) {
		this.timer = null;
		if (this.state != State.READING_HEAD || !ctx.channel().isActive()) {
			return;
		}
		long left = this.timeoutNanos - (System.nanoTime() - this.headStartNanos);
		if (left > 0) {
			// a later head than the one the timer was armed for: it has time left
			arm(ctx, left);
			return;
		}
		this.state = State.DONE;
		if (logger.isDebugEnabled()) {
			logger.debug("Closing " + ctx.channel() + ": no complete request head within "
					+ Duration.ofNanos(this.timeoutNanos));
		}
		if (this.headStarted) {
			ctx.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT)).addListener(ChannelFutureListener.CLOSE);
		}
		else {
			ctx.close();
		}
	}

	private void done(ChannelHandlerContext ctx) {
		this.state = State.DONE;
		stop();
		ChannelPipeline pipeline = ctx.pipeline();
		if (pipeline.get(BYTES_HANDLER) != null) {
			pipeline.remove(BYTES_HANDLER);
		}
		if (pipeline.get(HEADS_HANDLER) != null) {
			pipeline.remove(HEADS_HANDLER);
		}
	}

	/**
	 * Sees the bytes arrive, ahead of the codec.
	 */
	private final class Bytes extends ChannelInboundHandlerAdapter {

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			if (ctx.channel().isActive()) {
				start(ctx);
			}
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			start(ctx);
			ctx.fireChannelActive();
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
				if (RequestHeadTimeout.this.state == State.IDLE) {
					RequestHeadTimeout.this.state = State.READING_HEAD;
					start(ctx);
				}
				if (RequestHeadTimeout.this.state == State.READING_HEAD) {
					RequestHeadTimeout.this.headStarted = true;
				}
			}
			ctx.fireChannelRead(msg);
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			RequestHeadTimeout.this.state = State.DONE;
			stop();
			ctx.fireChannelInactive();
		}

	}

	/**
	 * Sees decoded request heads arrive and responses leave, behind the codec.
	 */
	private final class Heads extends ChannelDuplexHandler {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (msg instanceof HttpRequest && RequestHeadTimeout.this.state != State.DONE) {
				// the timer, if armed, finds no head being read when it fires and lets itself lapse
				RequestHeadTimeout.this.state = State.IN_REQUEST;
				RequestHeadTimeout.this.headStarted = false;
			}
			ctx.fireChannelRead(msg);
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
			if (msg instanceof HttpResponse response
					&& response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
				ctx.write(msg, promise);
				done(ctx);
				return;
			}
			if (msg instanceof LastHttpContent && RequestHeadTimeout.this.state == State.IN_REQUEST) {
				// the response is complete: the next request's clock starts with its first byte
				RequestHeadTimeout.this.state = State.IDLE;
			}
			ctx.write(msg, promise);
		}

	}

}
