package io.smartstick.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.netty.channel.Channel;
import io.smartstick.web.PathPrefixGuard;
import reactor.core.publisher.Mono;
import reactor.netty.NettyOutbound;

import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Serves the dashboard under its path (by default {@code /_lb/}): the page, its script and
 * style sheet from the jar, and the event stream ({@code events}). The path without its
 * trailing slash redirects to it. Every answer forbids framing and sniffing, and the page
 * runs under a Content-Security-Policy that allows only its own script, style sheet and
 * stream: no inline script or style, nothing from another origin.
 *
 * @author smart-stick
 */
public final class DashboardRouter {

	/**
	 * The page's Content-Security-Policy.
	 */
	static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
			+ "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

	private static final String ASSETS = "io/smartstick/dashboard/static/";

	private DashboardRouter() {
	}

	/**
	 * Create the router function.
	 * @param path the dashboard's path, starting and ending with {@code /}
	 * @param sampler the source of the event stream
	 * @return the router function
	 */
	public static RouterFunction<ServerResponse> routerFunction(String path, DashboardSampler sampler) {
		byte[] page = load("index.html");
		byte[] script = load("dashboard.js");
		byte[] style = load("dashboard.css");
		String bare = path.substring(0, path.length() - 1);
		RouterFunctions.Builder routes = RouterFunctions.route();
		// HEAD as well as GET for what a browser or a monitor may probe; separate routes rather than one
		// predicate with an alternative, so that the paths stay recognizable as served locally
		for (HttpMethod method : new HttpMethod[] { HttpMethod.GET, HttpMethod.HEAD }) {
			routes.route(RequestPredicates.method(method).and(RequestPredicates.path(path)),
					(request) -> asset(page, MediaType.TEXT_HTML));
			routes.route(RequestPredicates.method(method).and(RequestPredicates.path(path + "dashboard.js")),
					(request) -> asset(script, MediaType.valueOf("text/javascript")));
			routes.route(RequestPredicates.method(method).and(RequestPredicates.path(path + "dashboard.css")),
					(request) -> asset(style, MediaType.valueOf("text/css")));
			if (!bare.isEmpty()) {
				routes.route(RequestPredicates.method(method).and(RequestPredicates.path(bare)),
						(request) -> ServerResponse.permanentRedirect(URI.create(path)).build());
			}
		}
		routes.GET(path + "events", (request) -> ServerResponse.ok()
				.contentType(MediaType.TEXT_EVENT_STREAM)
				.cacheControl(CacheControl.noStore())
				.headers(DashboardRouter::secure)
				// tells buffering proxies in front (nginx) to pass every event on at once
				.header("X-Accel-Buffering", "no")
				.body(events(sampler)));
		// every path above starts with the bare path (the dashboard's path without its last slash)
		return PathPrefixGuard.of(bare, routes.build());
	}

	private static BodyInserter<Void, ReactiveHttpOutputMessage> events(DashboardSampler sampler) {
		// each event its own group, written and flushed after the previous one, its bytes shared
		return (message, context) -> message.writeAndFlushWith(sampler.events(writability(message))
			.map((event) -> event.map((bytes) -> message.bufferFactory().wrap(bytes))));
	}

	/**
	 * Return whether the response's connection is writable now: Reactor Netty queues every
	 * write it is given, so a stalled client's updates are held back from it instead.
	 */
	private static BooleanSupplier writability(ReactiveHttpOutputMessage message) {
		if (message instanceof ServerHttpResponse response
				&& ServerHttpResponseDecorator.getNativeResponse(response) instanceof NettyOutbound outbound) {
			AtomicReference<Channel> channel = new AtomicReference<>();
			outbound.withConnection((connection) -> channel.set(connection.channel()));
			Channel open = channel.get();
			if (open != null) {
				return open::isWritable;
			}
		}
		return () -> true;
	}

	private static Mono<ServerResponse> asset(byte[] body, MediaType type) {
		return ServerResponse.ok()
			.contentType(new MediaType(type, StandardCharsets.UTF_8))
			.cacheControl(CacheControl.noCache())
			.headers(DashboardRouter::secure)
			.bodyValue(body);
	}

	private static void secure(HttpHeaders headers) {
		headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
		headers.set("X-Content-Type-Options", "nosniff");
		headers.set("X-Frame-Options", "DENY");
		headers.set("Referrer-Policy", "no-referrer");
	}

	private static byte[] load(String name) {
		try (InputStream in = new ClassPathResource(ASSETS + name, DashboardRouter.class.getClassLoader())
			.getInputStream()) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Dashboard asset " + ASSETS + name + " is missing from the jar", ex);
		}
	}

}
