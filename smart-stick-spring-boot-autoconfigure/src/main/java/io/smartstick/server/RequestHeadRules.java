package io.smartstick.server;

import java.util.Iterator;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * Rejects as malformed the request heads that HTTP/1.1 requires a server to reject (RFC
 * 9112, section 3.2) and that Netty's codec lets through: an HTTP/1.1 request without a
 * {@code Host} header, a request with more than one, or one whose {@code Host} is not a
 * host and an optional port; and a request line whose version is not HTTP/1.x. Reactor
 * Netty answers {@code 400} and closes the connection, as for any malformed head, on both
 * engines, and nothing of the request reaches a backend. Two {@code Host} headers are how
 * requests are smuggled past a front end that reads one and a backend that reads the
 * other; a pool chosen by host could otherwise be chosen by one of them and the
 * application's {@code Host} predicates see the other.
 * <p>
 * One instance per connection, behind Reactor Netty's HTTP codec. Once it rejects a head
 * it drops the rest of what the connection sends: the connection is closing.
 *
 * @author smart-stick
 */
final class RequestHeadRules extends ChannelInboundHandlerAdapter {

	static final String NAME = "smartstick.requestHeadRules";

	private static final HttpMethod PRI = HttpMethod.valueOf("PRI");

	private boolean rejected;

	/**
	 * Add the rules to a new HTTP/1.1 connection's pipeline, behind its HTTP codec and
	 * smart-stick's head timeout. Connections without one are left alone.
	 * @param pipeline the connection's pipeline
	 */
	static void install(ChannelPipeline pipeline) {
		RequestHeadTimeout.addBehindHeads(pipeline, NAME, new RequestHeadRules());
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.rejected) {
			ReferenceCountUtil.release(msg);
			return;
		}
		if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
			String problem = problem(request);
			if (problem != null) {
				this.rejected = true;
				request.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(problem)));
			}
		}
		ctx.fireChannelRead(msg);
	}

	/**
	 * Return what is wrong with a request head.
	 * @param request the head
	 * @return the problem, or {@code null} if there is none
	 */
	static String problem(HttpRequest request) {
		HttpVersion version = request.protocolVersion();
		if (version.majorVersion() != 1 && !PRI.equals(request.method())) {
			return "Unsupported HTTP version: " + version.text();
		}
		Iterator<String> hosts = request.headers().valueStringIterator(HttpHeaderNames.HOST);
		if (!hosts.hasNext()) {
			return (version.minorVersion() >= 1) ? "HTTP/1.1 request without a Host header" : null;
		}
		String host = hosts.next();
		if (hosts.hasNext()) {
			return "More than one Host header";
		}
		return isHostAndPort(host) ? null : "Invalid Host header";
	}

	/**
	 * Whether a {@code Host} value is a host and an optional port (RFC 3986): an IP
	 * literal in brackets, or a name or IPv4 address of unreserved characters,
	 * sub-delimiters and percent-escapes, then an optional {@code :} and port of at most
	 * 65535. An empty value is allowed: a client sends one when the target has no
	 * authority.
	 * @param value the header's value
	 * @return {@code true} if it is one
	 */
	static boolean isHostAndPort(String value) {
		int length = value.length();
		int i = 0;
		if (length > 0 && value.charAt(0) == '[') {
			int close = value.indexOf(']');
			if (close < 2) {
				return false;
			}
			for (i = 1; i < close; i++) {
				char c = value.charAt(i);
				if (!(isHex(c) || c == ':' || c == '.')) {
					return false;
				}
			}
			i = close + 1;
		}
		else {
			for (; i < length && value.charAt(i) != ':'; i++) {
				char c = value.charAt(i);
				if (c == '%') {
					if (i + 2 >= length || !isHex(value.charAt(i + 1)) || !isHex(value.charAt(i + 2))) {
						return false;
					}
					i += 2;
				}
				else if (!isNameCharacter(c)) {
					return false;
				}
			}
		}
		if (i == length) {
			return true;
		}
		if (value.charAt(i) != ':' || length - i - 1 > 5) {
			return false;
		}
		int port = 0;
		for (int j = i + 1; j < length; j++) {
			char c = value.charAt(j);
			if (c < '0' || c > '9') {
				return false;
			}
			port = port * 10 + (c - '0');
		}
		return port <= 65535;
	}

	private static boolean isNameCharacter(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
				|| "-._~!$&'()*+,;=".indexOf(c) >= 0;
	}

	private static boolean isHex(char c) {
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	}

}
