package io.smartstick.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * Holds back the head of a request with a chunked body until its first chunk is decoded,
 * so a malformed chunk size is answered {@code 400} by the server before the request is
 * proxied, instead of a backend receiving the head of a request that then breaks off. A
 * request that announces {@code Expect: 100-continue} is passed on at once, since its
 * client waits for the go-ahead before sending the body; a malformed chunk later in a body
 * that is already streaming aborts the proxied request.
 * <p>
 * One instance per connection, behind Reactor Netty's HTTP codec: a held head is handed
 * on marked as a decoding failure, which Reactor Netty answers like a malformed head.
 *
 * @author smart-stick
 */
final class ChunkedBodyGate extends ChannelInboundHandlerAdapter {

	static final String NAME = "smartstick.chunkedBodyGate";

	private HttpRequest held;

	/**
	 * Add the gate to a new HTTP/1.1 connection's pipeline, behind its HTTP codec and
	 * whatever smart-stick put there already. Connections without one are left alone.
	 * @param pipeline the connection's pipeline
	 */
	static void install(ChannelPipeline pipeline) {
		RequestHeadTimeout.addBehindHeads(pipeline, NAME, new ChunkedBodyGate());
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.held == null && msg instanceof HttpRequest request && !(msg instanceof HttpContent)
				&& request.decoderResult().isSuccess() && HttpUtil.isTransferEncodingChunked(request)
				&& !request.headers().contains(HttpHeaderNames.EXPECT)) {
			this.held = request;
			return;
		}
		if (this.held != null && msg instanceof HttpContent content) {
			HttpRequest request = this.held;
			this.held = null;
			DecoderResult result = content.decoderResult();
			if (result.isFailure()) {
				ReferenceCountUtil.release(content);
				request.setDecoderResult(DecoderResult.failure(result.cause()));
				ctx.fireChannelRead(request);
				return;
			}
			ctx.fireChannelRead(request);
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		this.held = null;
		ctx.fireChannelInactive();
	}

}
