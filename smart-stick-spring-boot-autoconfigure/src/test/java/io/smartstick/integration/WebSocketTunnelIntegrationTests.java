package io.smartstick.integration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.test.LoadBalancerTests;
import io.smartstick.test.WebSocketBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WebSocket through the balancer as a byte tunnel: messages of any size and the
 * backend's handshake reach the client unchanged, a slow reader holds the backend back
 * instead of filling the balancer's memory, and every ending closes both connections.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.enabled=false" })
class WebSocketTunnelIntegrationTests {

	private static final int MAX_FRAME = 32 * 1024 * 1024;

	static final WebSocketBackend backend0 = new WebSocketBackend("0");

	static final WebSocketBackend backend1 = new WebSocketBackend("1");

	/** Nothing listens there: drained, only clients sent there by cookie try it. */
	static final int deadPort = freePort();

	/** The client's own event loop, as in {@link WebSocketIntegrationTests}. */
	static final LoopResources clientLoops = LoopResources.create("ws-tunnel-client", 1, true);

	@LocalServerPort
	int port;

	@Autowired
	BackendRegistry registry;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		LoadBalancerTests.backend(properties, 0, 0, backend0::url, 1);
		LoadBalancerTests.backend(properties, 1, 1, backend1::url, 1);
		LoadBalancerTests.backend(properties, 2, 2, () -> "http://127.0.0.1:" + deadPort, 0);
	}

	@AfterEach
	void everyTunnelIsReleased() {
		LoadBalancerTests.awaitAllReleased(this.registry::all);
	}

	@AfterAll
	static void stopBackends() {
		clientLoops.disposeLater().block(Duration.ofSeconds(10));
		backend0.close();
		backend1.close();
	}

	@Test
	void messagesOfEverySizeAreEchoedWhole() {
		int[] sizes = { 0, 125, 126, 65_535, 65_536, 1024 * 1024, 16 * 1024 * 1024 };
		List<String> expected = new ArrayList<>();
		List<Flux<WebSocketFrame>> frames = new ArrayList<>();
		for (int size : sizes) {
			expected.add(describe(true, text(size)));
			expected.add(describe(false, binary(size)));
			frames.add(Flux.defer(() -> Flux.just(new TextWebSocketFrame(Unpooled.wrappedBuffer(text(size))),
					new BinaryWebSocketFrame(Unpooled.wrappedBuffer(binary(size))))));
		}
		List<String> received = client("0", false, null, null).uri(uri("/ws"))
			.handle((in, out) -> exchange(in, out, Flux.concat(frames), expected.size()))
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(received).containsExactlyElementsOf(expected);
	}

	@Test
	void messageSentInAThousandFragmentsArrivesAsOneMessage() {
		byte[] message = text(4 * 1024 * 1024);
		int fragment = message.length / 1000;
		List<WebSocketFrame> fragments = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			int from = i * fragment;
			int to = (i == 999) ? message.length : from + fragment;
			ByteBuf part = Unpooled.wrappedBuffer(message, from, to - from);
			fragments.add((i == 0) ? new TextWebSocketFrame(false, 0, part)
					: new ContinuationWebSocketFrame(i == 999, 0, part));
		}
		List<String> received = client("1", false, null, null).uri(uri("/ws"))
			.handle((in, out) -> exchange(in, out, Flux.fromIterable(fragments), 1))
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(received).containsExactly(describe(true, message));
	}

	@Test
	void backendHandshakeHeadersReachTheClientWithSmartSticksOwn() {
		AtomicReference<HttpHeaders> handshake = new AtomicReference<>();
		client(null, true, "chat.v2", handshake).uri(uri("/ws-rich"))
			.handle((in, out) -> in.receiveFrames().take(1).then())
			.blockLast(Duration.ofSeconds(10));
		HttpHeaders headers = handshake.get();
		String backendId = headers.get("x-backend-id");
		assertThat(backendId).isIn("0", "1");
		assertThat(headers.get("X-Served-By")).isEqualTo("backend-" + backendId);
		assertThat(headers.getAll("Set-Cookie")).hasSize(2)
			.anySatisfy((cookie) -> assertThat(cookie).startsWith("app-session=" + backendId + ";"))
			.anySatisfy((cookie) -> assertThat(cookie).startsWith("X-Backend-ID=" + backendId + ";"));
	}

	@Test
	void subprotocolChosenByTheBackendIsTheOneTheClientSees() {
		String selected = client("0", false, "chat.v1,chat.v2", null).uri(uri("/ws-rich"))
			.handle((in, out) -> Mono.justOrEmpty(in.selectedSubprotocol()))
			.blockLast(Duration.ofSeconds(10));
		assertThat(selected).isEqualTo("chat.v2");
	}

	@Test
	void permessageDeflateIsNegotiatedEndToEnd() {
		AtomicReference<HttpHeaders> handshake = new AtomicReference<>();
		byte[] message = text(1024 * 1024);
		List<String> received = client("1", true, "chat.v2", handshake).uri(uri("/ws-rich"))
			.handle((in, out) -> exchange(in, out,
					Flux.defer(() -> Flux.just(new TextWebSocketFrame(Unpooled.wrappedBuffer(message)))), 1))
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(handshake.get().get("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
		assertThat(received).containsExactly(describe(true, message));
	}

	@Test
	void slowClientHoldsTheBackendBackInsteadOfFillingTheBalancer() throws IOException {
		long total = (long) WebSocketBackend.FLOOD_FRAMES * (WebSocketBackend.FLOOD_FRAME_SIZE + 4);
		try (Socket socket = new Socket()) {
			socket.setReceiveBufferSize(64 * 1024);
			socket.setSoTimeout(30_000);
			socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), this.port));
			String head = handshake(socket, "/flood", "X-Backend-ID=1");
			assertThat(head).startsWith("HTTP/1.1 101 ");
			// the client reads nothing: the backend's connection must fill up and stay full
			await().atMost(Duration.ofSeconds(30)).until(backend1::floodBlocked);
			await().during(Duration.ofSeconds(1))
				.atMost(Duration.ofSeconds(10))
				.until(() -> backend1.floodWritten() < total / 2);
			assertThat(this.registry.find(1).openTunnels()).isEqualTo(1);
			// then everything arrives once the client reads
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[256 * 1024];
			long read = 0;
			while (read < total) {
				int n = in.read(buffer);
				assertThat(n).as("bytes read after %d", read).isPositive();
				read += n;
			}
			assertThat(read).isEqualTo(total);
			assertThat(backend1.floodWritten()).isEqualTo((long) WebSocketBackend.FLOOD_FRAMES
					* WebSocketBackend.FLOOD_FRAME_SIZE);
		}
	}

	@Test
	void clientGoneClosesTheBackendConnection() throws IOException {
		int before = backend0.openSessions();
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
			socket.setSoTimeout(10_000);
			assertThat(handshake(socket, "/ws", "X-Backend-ID=0")).startsWith("HTTP/1.1 101 ");
			await().atMost(Duration.ofSeconds(10)).until(() -> backend0.openSessions() == before + 1);
			assertThat(this.registry.find(0).openTunnels()).isEqualTo(1);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> backend0.openSessions() == before);
	}

	@Test
	void lastMessageOfABackendThatClosesRightAfterTheUpgradeReachesTheClient() {
		// the backend's close races the tunnel's set-up: a few rounds give it its chances
		for (int i = 0; i < 10; i++) {
			List<String> received = client("0", false, null, null).uri(uri("/ws-bye"))
				.handle((in, out) -> Flux.merge(in.receiveFrames().map(WebSocketTunnelIntegrationTests::describe),
						in.receiveCloseStatus().map((status) -> "close:" + status.code())))
				.collectList()
				.block(Duration.ofSeconds(10));
			assertThat(received).as("round %d", i).contains(describe(true, "bye from 0".getBytes()), "close:1000");
		}
	}

	@Test
	void unreachableBackendIsRetriedElsewhereBeforeTheUpgrade() {
		AtomicReference<HttpHeaders> handshake = new AtomicReference<>();
		List<String> greeting = client("2", false, null, handshake).uri(uri("/ws"))
			.handle((in, out) -> in.receiveFrames().take(1).map(WebSocketTunnelIntegrationTests::describe))
			.collectList()
			.block(Duration.ofSeconds(10));
		String backendId = handshake.get().get("x-backend-id");
		assertThat(backendId).isIn("0", "1");
		assertThat(handshake.get().get("Set-Cookie")).startsWith("X-Backend-ID=" + backendId + ";");
		assertThat(greeting).containsExactly(describe(true, ("hello from " + backendId).getBytes()));
		assertThat(this.registry.find(2).isHealthy()).isFalse();
	}

	private HttpClient.WebsocketSender client(String cookie, boolean compress, String protocols,
			AtomicReference<HttpHeaders> handshake) {
		WebsocketClientSpec.Builder spec = WebsocketClientSpec.builder()
			.maxFramePayloadLength(MAX_FRAME)
			.compress(compress);
		if (protocols != null) {
			spec.protocols(protocols);
		}
		return HttpClient.create(ConnectionProvider.newConnection())
			.runOn(clientLoops)
			.headers((headers) -> {
				if (cookie != null) {
					headers.set("Cookie", "X-Backend-ID=" + cookie);
				}
			})
			.doOnResponse((response, connection) -> {
				if (handshake != null) {
					handshake.set(response.responseHeaders());
				}
			})
			.websocket(spec.build());
	}

	/**
	 * Send the frames and, at the same time, take the given number of frames after the
	 * backend's greeting.
	 */
	private static Flux<String> exchange(reactor.netty.http.websocket.WebsocketInbound in,
			reactor.netty.http.websocket.WebsocketOutbound out, Flux<? extends WebSocketFrame> frames, int replies) {
		Flux<String> received = in.receiveFrames()
			.skip(1)
			.take(replies)
			.map((frame) -> (frame.isFinalFragment() ? "" : "fragment:") + describe(frame));
		return Flux.merge(received, out.sendObject(frames).then().cast(String.class));
	}

	private String uri(String path) {
		return "ws://127.0.0.1:" + this.port + path;
	}

	/**
	 * Send an upgrade request over a raw socket and read the answer's head, nothing more.
	 */
	private static String handshake(Socket socket, String path, String cookie) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nCookie: " + cookie
				+ "\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		InputStream in = socket.getInputStream();
		StringBuilder head = new StringBuilder();
		while (head.length() < 8192 && !head.toString().endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				break;
			}
			head.append((char) b);
		}
		return head.toString();
	}

	private static byte[] text(int size) {
		byte[] bytes = new byte[size];
		for (int i = 0; i < size; i++) {
			bytes[i] = (byte) ('a' + (i % 26));
		}
		return bytes;
	}

	private static byte[] binary(int size) {
		byte[] bytes = new byte[size];
		new java.util.Random(size).nextBytes(bytes);
		return bytes;
	}

	private static String describe(WebSocketFrame frame) {
		return describe(frame instanceof TextWebSocketFrame, ByteBufUtil.getBytes(frame.content()));
	}

	private static String describe(boolean text, byte[] payload) {
		CRC32 crc = new CRC32();
		crc.update(payload);
		return (text ? "text" : "binary") + ":" + payload.length + ":" + Long.toHexString(crc.getValue());
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
