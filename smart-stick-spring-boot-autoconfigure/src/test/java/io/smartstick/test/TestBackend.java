package io.smartstick.test;

import java.util.concurrent.TimeUnit;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real HTTP backend on loopback for end-to-end tests, answering {@code backend-<name>}
 * on every path and, on a few paths, showing what it received or answering slowly.
 * Registered as a static extension, it is closed after its test class.
 *
 * <ul>
 * <li>{@code /echo} and any path below it: 200 with the request body, and the request's
 * method, target and selected headers echoed as {@code echo-*} response headers</li>
 * <li>{@code /slow?ms=N}: answers after N milliseconds</li>
 * <li>{@code /stall-body?ms=N}: sends its headers and the first 8 bytes of a 40-byte
 * body ({@code backend-<name>}, dashes, then {@code complete}) at once, then pauses N
 * milliseconds before each further 8 bytes</li>
 * <li>{@code /status/N}: answers with status N</li>
 * <li>{@code /large?mb=N}: answers N MiB of zeros, more than the buffers between a client
 * and the backend hold</li>
 * <li>{@code /drop}: reads the request, then closes the connection without answering</li>
 * <li>{@code /drop/<name>}: the backend of that name drops the request like {@code /drop};
 * the others answer as usual</li>
 * <li>{@code /break-after-headers/<name>}: the backend of that name sends its response
 * headers (with a {@code broken} header), then closes the connection before the body;
 * the others answer as usual</li>
 * <li>{@code /break-mid-body/<name>}: the backend of that name sends its headers and part
 * of a 64 KiB body, then closes the connection; the others answer as usual</li>
 * </ul>
 */
public final class TestBackend implements AutoCloseable, AfterAllCallback {

	private final String name;

	private final MockWebServer server;

	public TestBackend(String name) {
		this.name = name;
		this.server = MockWebServers.start(this::answer);
	}

	public String name() {
		return this.name;
	}

	public String url() {
		return "http://127.0.0.1:" + this.server.getPort();
	}

	public int port() {
		return this.server.getPort();
	}

	public int requestCount() {
		return this.server.getRequestCount();
	}

	public RecordedRequest takeRequest() throws InterruptedException {
		return this.server.takeRequest(5, TimeUnit.SECONDS);
	}

	public MockWebServer server() {
		return this.server;
	}

	private MockResponse answer(RecordedRequest request) {
		String path = request.getUrl().encodedPath();
		if (path.equals("/echo") || path.startsWith("/echo/")) {
			MockResponse.Builder response = new MockResponse.Builder().code(200)
				.body(new okio.Buffer().write(request.getBody() != null ? request.getBody() : okio.ByteString.EMPTY))
				.addHeader("echo-method", request.getMethod())
				.addHeader("echo-target", request.getTarget())
				.addHeader("backend", this.name);
			request.getHeaders().forEach((header) -> {
				if (header.getFirst().startsWith("x-") || header.getFirst().startsWith("X-")) {
					response.addHeader("echo-" + header.getFirst().toLowerCase(), header.getSecond());
				}
			});
			String contentType = request.getHeaders().get("Content-Type");
			if (contentType != null) {
				response.addHeader("Content-Type", contentType);
			}
			return response.build();
		}
		if (path.equals("/slow")) {
			long millis = Long.parseLong(request.getUrl().queryParameter("ms"));
			return new MockResponse.Builder().code(200)
				.headersDelay(millis, TimeUnit.MILLISECONDS)
				.body("backend-" + this.name)
				.build();
		}
		if (path.equals("/large")) {
			int mebibytes = Integer.parseInt(request.getUrl().queryParameter("mb"));
			return new MockResponse.Builder().code(200)
				.body(new okio.Buffer().write(new byte[mebibytes * 1024 * 1024]))
				.build();
		}
		if (path.equals("/stall-body")) {
			long millis = Long.parseLong(request.getUrl().queryParameter("ms"));
			return new MockResponse.Builder().code(200)
				.body(String.format("%-32s", "backend-" + this.name).replace(' ', '-') + "complete")
				.throttleBody(8, millis, TimeUnit.MILLISECONDS)
				.build();
		}
		if (path.equals("/drop") || path.equals("/drop/" + this.name)) {
			return new MockResponse.Builder().onResponseStart(new mockwebserver3.SocketEffect.CloseSocket()).build();
		}
		if (path.equals("/break-after-headers/" + this.name)) {
			return new MockResponse.Builder().code(200)
				.setHeader("Content-Length", "64")
				.addHeader("broken", "yes")
				.onResponseEnd(new mockwebserver3.SocketEffect.CloseSocket())
				.build();
		}
		if (path.equals("/break-mid-body/" + this.name)) {
			return new MockResponse.Builder().code(200)
				.body("x".repeat(64 * 1024))
				.onResponseBody(new mockwebserver3.SocketEffect.CloseSocket())
				.build();
		}
		if (path.startsWith("/status/")) {
			return new MockResponse.Builder().code(Integer.parseInt(path.substring("/status/".length())))
				.body("backend-" + this.name)
				.build();
		}
		return new MockResponse.Builder().code(200)
			.addHeader("Content-Type", "text/plain")
			.addHeader("Set-Cookie", "app-session=" + this.name + "; Path=/")
			.body("backend-" + this.name)
			.build();
	}

	@Override
	public void close() {
		this.server.close();
	}

	/**
	 * Close the backend once the test class is done, when it is registered as an
	 * extension ({@code @RegisterExtension static final TestBackend backend = ...}). Its
	 * {@code @Nested} classes inherit the extension: the backend outlives each of them.
	 * @param context the finished test class's context
	 */
	@Override
	public void afterAll(ExtensionContext context) {
		if (!context.getRequiredTestClass().isAnnotationPresent(Nested.class)) {
			close();
		}
	}

}
