package io.smartstick.fast;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.smartstick.balancer.Backend;
import io.smartstick.observe.Assignment;
import io.smartstick.observe.ExchangeOutcome;
import io.smartstick.observe.SmartStickObserver;
import io.smartstick.routing.ConnectionUse;
import io.smartstick.routing.JsonErrorBody;
import io.smartstick.routing.PassiveDetection;
import io.smartstick.routing.ProxyFailure;
import io.smartstick.routing.RetryRules;
import io.smartstick.sticky.CookieHeaderReader;
import io.smartstick.sticky.InFlight;
import io.smartstick.sticky.StickyBackendSelector;
import io.smartstick.sticky.StickyCookieWriter;
import io.smartstick.sticky.StickySelection;
import io.smartstick.tunnel.WebSocketUpgrade;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.ByteBufFlux;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.util.context.Context;

/**
 * The fast engine's proxy of one pool, a Reactor Netty handler beneath WebFlux: the same
 * sticky choice (cookie, then strategy), counting, header policy, passive detection,
 * retry rules and JSON error answers as the pool's Gateway route, with bodies streamed
 * as retained {@code ByteBuf}s both ways and backend connections kept alive in the HTTP
 * client's pool. WebSocket upgrades go the same way to the backend, through the
 * {@link WebSocketUpgrade} the Gateway route shares, and are tunnelled once it accepts.
 *
 * @author smart-stick
 */
public final class FastProxy {

	/**
	 * Name of the response header naming the backend that served the request.
	 */
	static final String BACKEND_ID_HEADER = "x-backend-id";

	private static final Log logger = LogFactory.getLog(FastProxy.class);

	private static final byte[] NO_BACKEND_BODY = JsonErrorBody.of("No healthy backends available.");

	private static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";

	private final StickyBackendSelector selector;

	private final StickyCookieWriter cookieWriter;

	private final ForwardingHeaders forwarding;

	private final HttpClient pooled;

	private final HttpClient fresh;

	private final PassiveDetection passiveDetection;

	private final Settings settings;

	private final SmartStickObserver observer;

	private final WebSocketUpgrade webSockets;

	/**
	 * Create the proxy of one pool.
	 * @param selector decides each request's backend, cookie first
	 * @param cookieWriter writes the pool's sticky cookie
	 * @param forwarding the header policy
	 * @param pooled sends requests on kept-alive connections, with the pool's connect and
	 * response timeouts and {@link ConnectionUse}'s request hook
	 * @param fresh the same, on connections of their own (a connection pool apart)
	 * @param settings the pool's retry and error settings
	 * @param observer told of assignments, retries and ends of exchanges
	 * @param webSockets tunnels the pool's WebSocket upgrades
	 */
	public FastProxy(StickyBackendSelector selector, StickyCookieWriter cookieWriter, ForwardingHeaders forwarding,
			HttpClient pooled, HttpClient fresh, Settings settings, SmartStickObserver observer,
			WebSocketUpgrade webSockets) {
		this.selector = selector;
		this.cookieWriter = cookieWriter;
		this.forwarding = forwarding;
		this.pooled = pooled;
		this.fresh = fresh;
		this.passiveDetection = settings.passiveDetection();
		this.settings = settings;
		this.observer = observer;
		this.webSockets = webSockets;
	}

	/**
	 * Proxy one request, a WebSocket upgrade included: {@link FastRoutes} lets through
	 * only upgrades that {@link WebSocketUpgrade} can tunnel.
	 * @param request the client's request
	 * @param response the answer to the client
	 * @return completes when the exchange is over
	 */
	public Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		return new Exchange(request, response).attempt(null, 0, null, false);
	}

	/**
	 * One proxied exchange: its attempts, the backends they failed on, the backend
	 * connection of the current one.
	 */
	private final class Exchange implements WebSocketUpgrade.Answer {

		private final HttpServerRequest request;

		private final HttpServerResponse response;

		private final ConnectionUse use = new ConnectionUse();

		private final boolean hasBody;

		/** Whether this is a WebSocket upgrade, to be tunnelled once the backend accepts it. */
		private final boolean upgrade;

		private volatile boolean tunnelled;

		private Set<Backend> excluded = Set.of();

		private volatile StickySelection selection;

		private volatile boolean responseStarted;

		Exchange(HttpServerRequest request, HttpServerResponse response) {
			this.request = request;
			this.response = response;
			HttpHeaders headers = request.requestHeaders();
			this.hasBody = headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
					|| headers.getInt(HttpHeaderNames.CONTENT_LENGTH, 0) > 0;
			this.upgrade = headers.contains(HttpHeaderNames.UPGRADE);
		}

		Mono<Void> attempt(StickySelection repeat, int attempt, Failed previous, boolean fresh) {
			StickySelection selection = (repeat != null) ? repeat : FastProxy.this.selector.select(cookie(),
					this.excluded);
			if (selection == null || selection.assignment() == Assignment.REFUSED) {
				if (previous != null) {
					// retrying found no other backend: report what actually went wrong
					return answer(previous.error(), previous.failure(), previous.backend());
				}
				return noBackend((selection != null) ? selection.backend() : null);
			}
			Backend backend = selection.backend();
			if (repeat == null) {
				FastProxy.this.observer.assigned(backend, selection.assignment());
			}
			this.selection = selection;
			this.responseStarted = false;
			InFlight inFlight = new InFlight(backend, FastProxy.this.observer);
			this.use.begin(fresh);
			HttpClient client = fresh ? FastProxy.this.fresh : FastProxy.this.pooled;
			return (this.upgrade ? upgrade(client, selection) : client.request(this.request.method())
				.uri(backend.proxyPrefix() + pathAndQuery())
				.send((backendRequest, outbound) -> {
					HttpHeaders headers = backendRequest.requestHeaders();
					writeBackendHeaders(backend, headers);
					if (this.hasBody && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
						// the client's Transfer-Encoding is hop-by-hop: this hop's framing of a body of unknown length
						headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
					}
					return this.hasBody ? outbound.send(this.request.receive().retain()) : Mono.empty();
				})
				.response((backendResponse, body) -> relay(selection, backendResponse, body))
				.then())
				.doOnError((ex) -> inFlight.end(status(), ExchangeOutcome.FAILED))
				.doFinally((signal) -> {
					if (signal != SignalType.ON_ERROR) {
						inFlight.end(status(), (signal == SignalType.ON_COMPLETE) ? ExchangeOutcome.COMPLETED
								: ExchangeOutcome.CANCELLED);
					}
				})
				.onErrorResume((ex) -> failed(attempt, previous, ex))
				.contextWrite(Context.of(ConnectionUse.CONTEXT_KEY, this.use));
		}

		/**
		 * Answer the client with the backend's response once its body starts (or ends
		 * empty): a backend that breaks the connection before any of its body leaves the
		 * client's response untouched, so that the request can still be retried.
		 */
		private Publisher<Void> relay(StickySelection selection, HttpClientResponse backendResponse,
				ByteBufFlux body) {
			this.responseStarted = true;
			return body.retain().switchOnFirst((first, flux) -> {
				if (first.isOnError()) {
					return flux.then();
				}
				writeHead(selection, backendResponse);
				return this.response.send(flux);
			}, false);
		}

		/**
		 * Send the upgrade to the backend through the shared WebSocket proxy, with the
		 * headers of any request to it, and answer through this exchange.
		 */
		private Mono<Void> upgrade(HttpClient client, StickySelection selection) {
			Backend backend = selection.backend();
			return FastProxy.this.webSockets.proxy(client, backend.proxyPrefix() + pathAndQuery(),
					(headers) -> writeBackendHeaders(backend, headers),
					this.request.requestHeaders().get(HttpHeaderNames.UPGRADE), (Connection) this.request, backend,
					this);
		}

		/**
		 * Write the headers of the request to the backend: the client's, by the forwarding
		 * policy, and the backend's {@code Host}.
		 */
		private void writeBackendHeaders(Backend backend, HttpHeaders headers) {
			FastProxy.this.forwarding.write(this.request.requestHeaders(), this.request.remoteAddress(),
					this.request.scheme(), headers);
			headers.set(HttpHeaderNames.HOST, backend.hostHeader());
		}

		/**
		 * Add smart-stick's own headers to the answer: {@code x-backend-id}, and the sticky
		 * cookie when the selection issues one.
		 */
		private void stamp(StickySelection selection, HttpHeaders headers) {
			Backend backend = selection.backend();
			headers.set(BACKEND_ID_HEADER, backend.idValue());
			if (selection.issuesCookie()) {
				headers.add(HttpHeaderNames.SET_COOKIE, cookie(backend));
			}
		}

		@Override
		public Publisher<Void> passOn(HttpClientResponse answer, ByteBufFlux body) {
			return relay(this.selection, answer, body);
		}

		@Override
		public Mono<HttpHeaders> switchingProtocols(HttpClientResponse answer) {
			this.responseStarted = true;
			this.tunnelled = true;
			HttpHeaders headers = this.response.responseHeaders();
			headers.clear();
			// all of the backend's, Connection and Upgrade included: they are this 101's own
			headers.add(answer.responseHeaders());
			stamp(this.selection, headers);
			return Mono.just(headers);
		}

		private void writeHead(StickySelection selection, HttpClientResponse backendResponse) {
			this.response.status(backendResponse.status());
			HttpHeaders headers = this.response.responseHeaders();
			headers.clear();
			HttpHeaders received = backendResponse.responseHeaders();
			String connection = received.get(HttpHeaderNames.CONNECTION);
			Iterator<Map.Entry<CharSequence, CharSequence>> each = received.iteratorCharSequence();
			while (each.hasNext()) {
				Map.Entry<CharSequence, CharSequence> header = each.next();
				if (!ForwardingHeaders.isHopByHop(header.getKey(), connection)) {
					headers.add(header.getKey(), header.getValue());
				}
			}
			stamp(selection, headers);
		}

		private Mono<Void> failed(int attempt, Failed previous, Throwable ex) {
			StickySelection selection = this.selection;
			Backend backend = (selection != null) ? selection.backend() : null;
			ProxyFailure failure = ProxyFailure.of(ex, this.use.bound(), this.responseStarted);
			if (clientGone()) {
				// the client went away: a cancellation of its own, which says nothing of the backend
				return Mono.error(ex);
			}
			if (this.response.hasSentHeaders()) {
				// the client has part of an answer: nothing to retry or replace
				FastProxy.this.passiveDetection.failedWhileAnswering(backend, failure);
				return Mono.error(ex);
			}
			this.selection = null;
			this.response.responseHeaders().clear();
			this.response.status(HttpResponseStatus.OK);
			boolean replayable = RetryRules.isReplayable(this.request.method().name(),
					this.hasBody ? 1 : -1, false);
			if (backend != null && RetryRules.mayBeKeepAliveRace(failure, this.use)) {
				if (failure.neverSent() || replayable) {
					if (logger.isDebugEnabled()) {
						logger.debug("Repeating " + this.request.method() + " " + this.request.path()
								+ " on a fresh connection to backend " + backend.idValue()
								+ " after its pooled connection failed: " + failure.cause());
					}
					return Mono.defer(() -> attempt(selection, attempt, previous, true));
				}
				// written, and not to be sent twice: it may have reached the backend, which nothing shows to be down
			}
			else {
				FastProxy.this.passiveDetection.failed(backend, failure);
			}
			if (backend != null && attempt < FastProxy.this.settings.retries()
					&& RetryRules.isRetryable(failure, replayable)) {
				if (logger.isDebugEnabled()) {
					logger.debug("Retrying " + this.request.method() + " " + this.request.path() + " after backend "
							+ backend.idValue() + " failed: " + failure.cause());
				}
				FastProxy.this.observer.retried(backend, failure.cause());
				Set<Backend> excluded = new HashSet<>(this.excluded);
				excluded.add(backend);
				this.excluded = excluded;
				Failed failed = new Failed(ex, failure, backend);
				return Mono.defer(() -> attempt(null, attempt + 1, failed, false));
			}
			return answer(ex, failure, backend);
		}

		private Mono<Void> answer(Throwable ex, ProxyFailure failure, Backend backend) {
			String id = (backend != null) ? backend.idValue() : "(unknown)";
			if (failure == ProxyFailure.TIMEOUT) {
				logger.warn("Backend " + id + " did not answer within the response timeout"
						+ ((ex.getMessage() != null) ? ": " + ex.getMessage() : ""));
				return write(HttpResponseStatus.GATEWAY_TIMEOUT,
						JsonErrorBody.of("Backend " + id + " did not answer in time."));
			}
			logger.warn("Backend " + id + " failed: " + ex);
			return write(HttpResponseStatus.BAD_GATEWAY, JsonErrorBody.of("Backend " + id + " did not answer."));
		}

		private Mono<Void> noBackend(Backend refused) {
			this.response.responseHeaders().set(HttpHeaderNames.RETRY_AFTER, FastProxy.this.settings.retryAfter());
			if (refused != null) {
				FastProxy.this.observer.assigned(refused, Assignment.REFUSED);
				return write(HttpResponseStatus.SERVICE_UNAVAILABLE,
						JsonErrorBody.of("Backend " + refused.idValue() + " is unavailable."));
			}
			return write(HttpResponseStatus.SERVICE_UNAVAILABLE, NO_BACKEND_BODY);
		}

		private Mono<Void> write(HttpResponseStatus status, byte[] body) {
			this.response.status(status);
			HttpHeaders headers = this.response.responseHeaders();
			headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
			headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
			if (this.request.method() == HttpMethod.HEAD) {
				return this.response.send().then();
			}
			return this.response.sendByteArray(Mono.just(body)).then();
		}

		private int status() {
			if (this.tunnelled) {
				// the 101 is written by the tunnel, past the server's HTTP codec
				return HttpResponseStatus.SWITCHING_PROTOCOLS.code();
			}
			return this.response.hasSentHeaders() ? this.response.status().code() : 0;
		}

		private String cookie() {
			HttpHeaders headers = this.request.requestHeaders();
			if (!headers.contains(HttpHeaderNames.COOKIE)) {
				return null;
			}
			return CookieHeaderReader.firstValue(headers.getAll(HttpHeaderNames.COOKIE),
					FastProxy.this.cookieWriter.cookieName());
		}

		private String cookie(Backend backend) {
			return FastProxy.this.cookieWriter.cookie(backend, isHttps(),
					this.request.requestHeaders().get(X_FORWARDED_PROTO), this.request.remoteAddress());
		}

		private boolean isHttps() {
			return "https".equals(this.request.scheme());
		}

		private String pathAndQuery() {
			String uri = this.request.uri();
			if (uri.startsWith("/")) {
				return uri;
			}
			// absolute form (http://host/path?query): the path and query only
			int scheme = uri.indexOf("://");
			int path = (scheme != -1) ? uri.indexOf('/', scheme + 3) : -1;
			return (path != -1) ? uri.substring(path) : "/";
		}

		private boolean clientGone() {
			return this.request instanceof Connection connection && !connection.channel().isActive();
		}

	}

	private record Failed(Throwable error, ProxyFailure failure, Backend backend) {
	}

	/**
	 * The pool's retry and error settings.
	 *
	 * @param passiveDetection what a failed attempt tells of its backend
	 * @param retries how many times a failed request may be retried elsewhere
	 * @param retryAfter value of {@code Retry-After} on 503 answers, in seconds
	 */
	public record Settings(PassiveDetection passiveDetection, int retries, String retryAfter) {

		/**
		 * Create settings.
		 * @param passiveDetection what a failed attempt tells of its backend
		 * @param retries how many times a failed request may be retried elsewhere
		 * @param retryAfterSeconds {@code Retry-After} on 503 answers, at least 1
		 * @return the settings
		 */
		public static Settings of(PassiveDetection passiveDetection, int retries, long retryAfterSeconds) {
			return new Settings(passiveDetection, retries, Long.toString(Math.max(1, retryAfterSeconds)));
		}

	}

}
