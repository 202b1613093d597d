package io.smartstick.fast;

import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The fast engine's header policy for a request on its way to a backend, the one the
 * Gateway engine applies with Gateway's header filters and smart-stick's: hop-by-hop
 * headers (and those the {@code Connection} header names) removed, {@code Host} left to
 * the HTTP client (the backend's), {@code Forwarded} removed (the fast engine serves no
 * pool when Gateway is set to write it), and {@code X-Forwarded-*} written with Gateway's
 * settings and smart-stick's trust rules. From a peer that is not a trusted proxy, every
 * forwarding header the client sent is dropped and replaced by what this load balancer
 * saw; from a trusted proxy the values it sent are kept and this hop's appended (where
 * Gateway's settings say append).
 *
 * @author smart-stick
 */
public final class ForwardingHeaders {

	private static final List<AsciiString> HOP_BY_HOP = List.of(HttpHeaderNames.CONNECTION,
			HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.TE,
			HttpHeaderNames.TRAILER, HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.PROXY_AUTHENTICATE,
			AsciiString.cached("x-application-context"), HttpHeaderNames.UPGRADE);

	private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");

	private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("X-Forwarded-Host");

	private static final AsciiString X_FORWARDED_PORT = AsciiString.cached("X-Forwarded-Port");

	private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("X-Forwarded-Proto");

	private static final AsciiString X_FORWARDED_PREFIX = AsciiString.cached("X-Forwarded-Prefix");

	private static final AsciiString FORWARDED = AsciiString.cached("Forwarded");

	private final Settings settings;

	private final PeerTrust trust;

	/**
	 * The last peer each event loop saw, with what is derived from it: a connection's
	 * requests come from one peer, so the trust check (a regular expression) and the
	 * address text are worked out once per connection, not per request.
	 */
	private final FastThreadLocal<Peer> lastPeer = new FastThreadLocal<>();

	/**
	 * Create a policy.
	 * @param settings which {@code X-Forwarded-*} headers are written and appended to
	 * (Gateway's {@code XForwardedHeadersFilter} settings)
	 * @param trust tells trusted proxies
	 */
	public ForwardingHeaders(Settings settings, PeerTrust trust) {
		this.settings = settings;
		this.trust = trust;
	}

	/**
	 * Return the headers to send to the backend.
	 * @param inbound the request's headers
	 * @param remote the peer's address, or {@code null} when unknown
	 * @param scheme {@code http} or {@code https}, how the request came in
	 * @return new headers, without {@code Host}
	 */
	public HttpHeaders outbound(HttpHeaders inbound, InetSocketAddress remote, String scheme) {
		HttpHeaders outbound = new DefaultHttpHeaders(false);
		write(inbound, remote, scheme, outbound);
		return outbound;
	}

	/**
	 * Write the headers to send to the backend into the backend request's headers, which
	 * are cleared first: no copy of the headers in between.
	 * @param inbound the request's headers
	 * @param remote the peer's address, or {@code null} when unknown
	 * @param scheme {@code http} or {@code https}, how the request came in
	 * @param outbound the backend request's headers, left without {@code Host}
	 */
	public void write(HttpHeaders inbound, InetSocketAddress remote, String scheme, HttpHeaders outbound) {
		outbound.clear();
		Peer peer = (remote != null) ? peer(remote) : null;
		boolean trusted = peer != null && peer.trusted();
		String connection = inbound.get(HttpHeaderNames.CONNECTION);
		Iterator<Map.Entry<CharSequence, CharSequence>> each = inbound.iteratorCharSequence();
		while (each.hasNext()) {
			Map.Entry<CharSequence, CharSequence> header = each.next();
			CharSequence name = header.getKey();
			if (isHopByHop(name, connection) || HttpHeaderNames.HOST.contentEqualsIgnoreCase(name)
					|| FORWARDED.contentEqualsIgnoreCase(name) || (!trusted && isForwarding(name))) {
				continue;
			}
			outbound.add(name, header.getValue());
		}
		if (!this.settings.enabled() || remote == null) {
			return;
		}
		String host = inbound.get(HttpHeaderNames.HOST);
		if (this.settings.forEnabled() && peer.address() != null) {
			write(outbound, X_FORWARDED_FOR, peer.address(), this.settings.forAppend());
		}
		if (this.settings.hostEnabled() && host != null) {
			write(outbound, X_FORWARDED_HOST, host, this.settings.hostAppend());
		}
		if (this.settings.portEnabled()) {
			write(outbound, X_FORWARDED_PORT, Integer.toString(port(host, scheme)), this.settings.portAppend());
		}
		if (this.settings.protoEnabled()) {
			write(outbound, X_FORWARDED_PROTO, scheme, this.settings.protoAppend());
		}
	}

	private Peer peer(InetSocketAddress remote) {
		Peer last = this.lastPeer.get();
		// the channel's own address object, the same for every request of a connection
		if (last != null && last.remote() == remote) {
			return last;
		}
		Peer peer = new Peer(remote, this.trust.isTrusted(remote.getHostString()),
				(remote.getAddress() != null) ? remote.getAddress().getHostAddress() : null);
		this.lastPeer.set(peer);
		return peer;
	}

	private static void write(HttpHeaders headers, AsciiString name, String value, boolean append) {
		List<String> arrived = headers.getAll(name);
		if (append && !arrived.isEmpty()) {
			headers.set(name, String.join(",", arrived) + "," + value);
		}
		else {
			headers.set(name, value);
		}
	}

	private static int port(String host, String scheme) {
		if (host != null) {
			int colon = host.lastIndexOf(':');
			if (colon != -1 && colon > host.lastIndexOf(']')) {
				try {
					return Integer.parseInt(host.substring(colon + 1));
				}
				catch (NumberFormatException ex) {
					// not a port: the scheme's
				}
			}
		}
		return "https".equals(scheme) ? 443 : 80;
	}

	static boolean isHopByHop(CharSequence name, String connection) {
		for (AsciiString hopByHop : HOP_BY_HOP) {
			if (hopByHop.contentEqualsIgnoreCase(name)) {
				return true;
			}
		}
		return connection != null && namedBy(connection, name);
	}

	private static boolean namedBy(String connection, CharSequence name) {
		int start = 0;
		while (start <= connection.length()) {
			int comma = connection.indexOf(',', start);
			int end = (comma != -1) ? comma : connection.length();
			String token = connection.substring(start, end).trim();
			if (AsciiString.contentEqualsIgnoreCase(token, name)) {
				return true;
			}
			start = end + 1;
		}
		return false;
	}

	private static boolean isForwarding(CharSequence name) {
		return FORWARDED.contentEqualsIgnoreCase(name) || X_FORWARDED_FOR.contentEqualsIgnoreCase(name)
				|| X_FORWARDED_HOST.contentEqualsIgnoreCase(name) || X_FORWARDED_PORT.contentEqualsIgnoreCase(name)
				|| X_FORWARDED_PROTO.contentEqualsIgnoreCase(name) || X_FORWARDED_PREFIX.contentEqualsIgnoreCase(name);
	}

	private record Peer(InetSocketAddress remote, boolean trusted, String address) {
	}

	/**
	 * Tells whether a peer is a trusted proxy.
	 */
	@FunctionalInterface
	public interface PeerTrust {

		/**
		 * Whether the peer at an address is a trusted proxy.
		 * @param address the peer's address as a string
		 * @return {@code true} for a trusted proxy
		 */
		boolean isTrusted(String address);

	}

	/**
	 * Which {@code X-Forwarded-*} headers are written, and which appended to what a
	 * trusted proxy sent.
	 *
	 * @param enabled whether any is written
	 * @param forEnabled whether {@code X-Forwarded-For} is written
	 * @param hostEnabled whether {@code X-Forwarded-Host} is written
	 * @param portEnabled whether {@code X-Forwarded-Port} is written
	 * @param protoEnabled whether {@code X-Forwarded-Proto} is written
	 * @param forAppend whether {@code X-Forwarded-For} is appended to
	 * @param hostAppend whether {@code X-Forwarded-Host} is appended to
	 * @param portAppend whether {@code X-Forwarded-Port} is appended to
	 * @param protoAppend whether {@code X-Forwarded-Proto} is appended to
	 */
	public record Settings(boolean enabled, boolean forEnabled, boolean hostEnabled, boolean portEnabled,
			boolean protoEnabled, boolean forAppend, boolean hostAppend, boolean portAppend, boolean protoAppend) {

		/**
		 * Gateway's defaults: every header written, and appended to.
		 */
		public static final Settings DEFAULTS = new Settings(true, true, true, true, true, true, true, true, true);

	}

}
