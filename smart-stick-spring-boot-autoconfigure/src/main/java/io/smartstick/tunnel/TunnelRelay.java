package io.smartstick.tunnel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One side of a {@link WebSocketTunnel}: writes every buffer its channel reads to the
 * peer channel, and stops reading while the peer is not writable (resumed when the peer
 * drains). Buffers read before the peer is connected are held; anything that is not a
 * buffer (the end of the backend's HTTP answer, a response Reactor Netty writes after
 * the fact) is dropped. When its channel closes, the peer is closed once what was written
 * to it is flushed, or after {@link #CLOSE_FLUSH_LIMIT_SECONDS} if its reader has stalled.
 *
 * @author smart-stick
 */
final class TunnelRelay extends ChannelDuplexHandler {

	private static final Log logger = LogFactory.getLog(TunnelRelay.class);

	static final long CLOSE_FLUSH_LIMIT_SECONDS = 5;

	private final String side;

	private Channel peer;

	private List<ByteBuf> held;

	private boolean unflushed;

	private long bytes;

	private String closedBy;

	TunnelRelay(String side) {
		this.side = side;
	}

	/**
	 * Start relaying to the peer, first what was held, even when this side's channel has
	 * closed since (a backend that sends its last message and closes right after its
	 * {@code 101}): the peer is then closed once that is written. Called on this side's
	 * event loop.
	 * @param channel this side's channel
	 * @param peer the other side's channel
	 */
	void connect(Channel channel, Channel peer) {
		this.peer = peer;
		if (this.held != null) {
			this.held.forEach((buffer) -> peer.write(buffer, peer.voidPromise()));
			this.held = null;
			peer.flush();
		}
		if (!channel.isActive()) {
			closePeer();
		}
		else if (peer.isWritable()) {
			channel.config().setAutoRead(true);
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (!(msg instanceof ByteBuf buffer) || !buffer.isReadable()) {
			ReferenceCountUtil.release(msg);
			return;
		}
		this.bytes += buffer.readableBytes();
		if (this.peer == null) {
			if (this.held == null) {
				this.held = new ArrayList<>(2);
			}
			this.held.add(buffer);
			return;
		}
		this.peer.write(buffer, this.peer.voidPromise());
		this.unflushed = true;
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		Channel peer = this.peer;
		if (peer == null) {
			return;
		}
		if (this.unflushed) {
			this.unflushed = false;
			peer.flush();
		}
		if (!peer.isWritable()) {
			ctx.channel().config().setAutoRead(false);
			// the peer may have drained in between, on its own event loop: then it saw nothing to resume
			if (peer.isWritable()) {
				ctx.channel().config().setAutoRead(true);
			}
		}
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		Channel peer = this.peer;
		if (peer != null && ctx.channel().isWritable()) {
			peer.config().setAutoRead(true);
		}
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof ByteBuf) {
			ctx.write(msg, promise);
		}
		else {
			ReferenceCountUtil.release(msg);
			promise.trySuccess();
		}
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
		if (evt instanceof IdleStateEvent) {
			this.closedBy = "idle timeout";
			ctx.close();
			return;
		}
		ctx.fireUserEventTriggered(evt);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (logger.isDebugEnabled()) {
			logger.debug("WebSocket tunnel's " + this.side + " connection failed: " + cause);
		}
		if (this.closedBy == null) {
			this.closedBy = "error: " + cause;
		}
		ctx.close();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		closePeer();
		ctx.fireChannelInactive();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		// a closed channel's handlers are removed: what it read before the peer was connected is still the peer's,
		// written by connect() or released by discard(), one of which the tunnel always calls
	}

	/**
	 * Release what was held for a peer that will never be connected. Called on this
	 * side's event loop.
	 */
	void discard() {
		if (this.held != null) {
			this.held.forEach(ReferenceCountUtil::release);
			this.held = null;
		}
	}

	private void closePeer() {
		Channel peer = this.peer;
		if (peer != null && peer.isOpen()) {
			peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
			ScheduledFuture<?> limit = peer.eventLoop()
				.schedule(() -> peer.close(), CLOSE_FLUSH_LIMIT_SECONDS, TimeUnit.SECONDS);
			peer.closeFuture().addListener((future) -> limit.cancel(false));
		}
	}

	@Override
	public String toString() {
		return this.bytes + " bytes from the " + this.side
				+ ((this.closedBy != null) ? " (" + this.side + "'s connection closed on " + this.closedBy + ")" : "");
	}

}
