package io.smartstick.routing;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.springframework.cloud.gateway.filter.headers.ForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.TrustedProxies;
import org.springframework.cloud.gateway.filter.headers.XForwardedHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Makes forwarding headers trustworthy for the backend. From a peer that is not a
 * trusted proxy, every {@code X-Forwarded-*} and {@code Forwarded} header the client sent
 * is dropped and replaced by what this load balancer saw (the peer's address, scheme,
 * host, port and prefix), so a client cannot poison the host of a password-reset link or
 * forge its address. From a trusted proxy the {@code X-Forwarded-For} chain it sent is
 * kept whole and the peer appended, like nginx's {@code $proxy_add_x_forwarded_for}
 * (Gateway's own filter would keep only the trusted entries of the chain, dropping the
 * real client that a fronting cloud load balancer reports).
 * <p>
 * Runs after Gateway's {@code X-Forwarded-*} and {@code Forwarded} filters, whose
 * settings (which headers, append or not) it follows when it writes the headers afresh.
 *
 * @author smart-stick
 */
public class UntrustedPeerForwardedHeadersFilter implements HttpHeadersFilter, Ordered {

	/**
	 * Order of this filter: after Gateway's {@code X-Forwarded-*} and {@code Forwarded}
	 * filters (order 0 unless configured otherwise).
	 */
	public static final int ORDER = 1;

	/**
	 * Regular expression that trusts no address, for when no trusted proxies are set.
	 */
	public static final String TRUST_NONE = "(?!)";

	private static final List<String> FORWARDING_HEADERS = List.of(ForwardedHeadersFilter.FORWARDED_HEADER,
			XForwardedHeadersFilter.X_FORWARDED_FOR_HEADER, XForwardedHeadersFilter.X_FORWARDED_HOST_HEADER,
			XForwardedHeadersFilter.X_FORWARDED_PORT_HEADER, XForwardedHeadersFilter.X_FORWARDED_PROTO_HEADER,
			XForwardedHeadersFilter.X_FORWARDED_PREFIX_HEADER);

	private final TrustedProxies trustedProxies;

	private final Resolved<XForwardedHeadersFilter> xForwarded;

	private final Resolved<ForwardedHeadersFilter> forwarded;

	private volatile HttpHeadersFilter freshXForwarded;

	/**
	 * Create a filter.
	 * @param trustedProxies regular expression of the trusted proxies' addresses, as
	 * {@code spring.cloud.gateway.server.webflux.trusted-proxies}
	 * @param xForwarded Gateway's {@code X-Forwarded-*} filter, whose settings are
	 * followed, or {@code null} from the supplier when there is none
	 * @param forwarded Gateway's {@code Forwarded} filter, or {@code null} from the
	 * supplier when {@code Forwarded} is not written
	 */
	public UntrustedPeerForwardedHeadersFilter(String trustedProxies, Supplier<XForwardedHeadersFilter> xForwarded,
			Supplier<ForwardedHeadersFilter> forwarded) {
		this.trustedProxies = TrustedProxies.from(trustedProxies);
		this.xForwarded = new Resolved<>(xForwarded);
		this.forwarded = new Resolved<>(forwarded);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
		if (remote == null) {
			return input;
		}
		if (this.trustedProxies.isTrusted(remote.getHostString())) {
			return withWholeForwardedForChain(input, exchange, remote);
		}
		HttpHeaders headers = new HttpHeaders();
		for (Map.Entry<String, List<String>> header : input.headerSet()) {
			if (!isForwardingHeader(header.getKey())) {
				headers.addAll(header.getKey(), header.getValue());
			}
		}
		HttpHeaders written = headers;
		HttpHeadersFilter xForwarded = freshXForwarded();
		if (xForwarded != null) {
			written = xForwarded.filter(written, exchange);
		}
		ForwardedHeadersFilter forwarded = this.forwarded.get();
		if (forwarded != null) {
			written = forwarded.filter(written, exchange);
		}
		return written;
	}

	/**
	 * Put back the entries of the client's {@code X-Forwarded-For} chain that Gateway's
	 * filter dropped as untrusted: a trusted proxy vouches for the chain it sends.
	 */
	private HttpHeaders withWholeForwardedForChain(HttpHeaders input, ServerWebExchange exchange,
			InetSocketAddress remote) {
		XForwardedHeadersFilter xForwarded = this.xForwarded.get();
		List<String> arrived = exchange.getRequest().getHeaders().get(XForwardedHeadersFilter.X_FORWARDED_FOR_HEADER);
		if (arrived == null || arrived.isEmpty() || xForwarded == null || !xForwarded.isForEnabled()
				|| !xForwarded.isForAppend() || remote.getAddress() == null) {
			return input;
		}
		String chain = String.join(",", arrived) + "," + remote.getHostString();
		if (chain.equals(input.getFirst(XForwardedHeadersFilter.X_FORWARDED_FOR_HEADER))) {
			return input;
		}
		HttpHeaders headers = HttpHeaders.copyOf(input);
		headers.set(XForwardedHeadersFilter.X_FORWARDED_FOR_HEADER, chain);
		return headers;
	}

	private HttpHeadersFilter freshXForwarded() {
		HttpHeadersFilter fresh = this.freshXForwarded;
		if (fresh == null) {
			XForwardedHeadersFilter settings = this.xForwarded.get();
			if (settings == null || !settings.isEnabled()) {
				return null;
			}
			// trusts every peer: nothing that arrived is left to append to
			fresh = trustingEveryPeer(settings);
			this.freshXForwarded = fresh;
		}
		return fresh;
	}

	/**
	 * Gateway's own filter with the same settings, trusting every peer.
	 */
	private static XForwardedHeadersFilter trustingEveryPeer(XForwardedHeadersFilter settings) {
		XForwardedHeadersFilter filter = new XForwardedHeadersFilter(".*");
		filter.setOrder(settings.getOrder());
		filter.setEnabled(settings.isEnabled());
		filter.setForEnabled(settings.isForEnabled());
		filter.setHostEnabled(settings.isHostEnabled());
		filter.setPortEnabled(settings.isPortEnabled());
		filter.setProtoEnabled(settings.isProtoEnabled());
		filter.setPrefixEnabled(settings.isPrefixEnabled());
		filter.setForAppend(settings.isForAppend());
		filter.setHostAppend(settings.isHostAppend());
		filter.setPortAppend(settings.isPortAppend());
		filter.setProtoAppend(settings.isProtoAppend());
		filter.setPrefixAppend(settings.isPrefixAppend());
		return filter;
	}

	/**
	 * A bean looked up once, on first use (looking it up is far dearer than a request's
	 * header work), and remembered even when there is none.
	 */
	private static final class Resolved<T> {

		private final Supplier<T> lookup;

		private volatile Optional<T> value;

		Resolved(Supplier<T> lookup) {
			this.lookup = lookup;
		}

		T get() {
			Optional<T> value = this.value;
			if (value == null) {
				value = Optional.ofNullable(this.lookup.get());
				this.value = value;
			}
			return value.orElse(null);
		}

	}

	private static boolean isForwardingHeader(String name) {
		for (String forwarding : FORWARDING_HEADERS) {
			if (forwarding.equalsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
	}

}
