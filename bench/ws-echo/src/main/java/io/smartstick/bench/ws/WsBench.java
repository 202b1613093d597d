package io.smartstick.bench.ws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The two halves of bench/ws.sh.
 * <ul>
 * <li>{@code echo PORT...}: a WebSocket echo backend on each port: {@code /ws} sends every
 * text or binary message back (up to 16 MiB), any other path answers
 * {@code backend <index>} so health checks and the script's readiness check pass.</li>
 * <li>{@code load URL CONNECTIONS SIZE WARMUP_S SECONDS}: a closed-loop load client, as wrk
 * is for HTTP: each connection sends a binary message of SIZE bytes, waits for its echo,
 * then sends the next. Messages echoed during the SECONDS after the first WARMUP_S count.
 * Prints one line: {@code messages/s p50_ms p99_ms errors messages}, and exits with 1 if
 * no message came back.</li>
 * </ul>
 */
public final class WsBench {

	private static final int MAX_FRAME = 16 * 1024 * 1024;

	private WsBench() {
	}

	public static void main(String[] args) throws InterruptedException {
		if (args.length >= 2 && args[0].equals("echo")) {
			echo(Arrays.copyOfRange(args, 1, args.length));
		}
		else if (args.length == 6 && args[0].equals("load")) {
			System.exit(load(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
					Integer.parseInt(args[4]), Integer.parseInt(args[5])));
		}
		else {
			System.err.println("usage: echo PORT... | load URL CONNECTIONS SIZE WARMUP_S SECONDS");
			System.exit(2);
		}
	}

	private static void echo(String[] ports) throws InterruptedException {
		List<DisposableServer> servers = new ArrayList<>();
		for (int i = 0; i < ports.length; i++) {
			String name = "backend " + i;
			servers.add(HttpServer.create()
				.host("127.0.0.1")
				.port(Integer.parseInt(ports[i]))
				.route((routes) -> routes
					.ws("/ws", (in, out) -> out.sendObject(in.aggregateFrames(MAX_FRAME)
						.receiveFrames()
						.filter((frame) -> frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame)
						.map(WsBench::copyOf)), WebsocketServerSpec.builder().maxFramePayloadLength(MAX_FRAME).build())
					.route((request) -> true, (request, response) -> response.sendString(Mono.just(name))))
				.bindNow());
		}
		System.out.println("echo backends listening on " + String.join(", ", ports));
		Runtime.getRuntime().addShutdownHook(new Thread(() -> servers.forEach(DisposableServer::disposeNow)));
		Thread.currentThread().join();
	}

	private static WebSocketFrame copyOf(WebSocketFrame frame) {
		return (frame instanceof TextWebSocketFrame) ? new TextWebSocketFrame(frame.content().retain())
				: new BinaryWebSocketFrame(frame.content().retain());
	}

	private static int load(String url, int connections, int size, int warmupSeconds, int seconds)
			throws InterruptedException {
		LoopResources loops = LoopResources.create("ws-load", 1, true);
		byte[] payload = new byte[size];
		Arrays.fill(payload, (byte) 'x');
		long from = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
		long to = from + TimeUnit.SECONDS.toNanos(seconds);
		AtomicInteger errors = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(connections);
		Loop[] loopsPerConnection = new Loop[connections];
		List<Disposable> sessions = new ArrayList<>();
		for (int c = 0; c < connections; c++) {
			Loop loop = new Loop(payload, from, to);
			loopsPerConnection[c] = loop;
			sessions.add(HttpClient.create(ConnectionProvider.newConnection())
				.runOn(loops)
				.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(MAX_FRAME).build())
				.uri(url)
				.handle((in, out) -> Mono.when(out.sendObject(loop.outbound.asFlux()).then(),
						in.receiveFrames().doOnNext((frame) -> loop.echoed()).takeUntil((frame) -> loop.finished).then(),
						in.receiveCloseStatus().doOnNext((status) -> {
							if (!loop.finished) {
								errors.incrementAndGet();
								System.err.println("closed early: " + status);
							}
						}).then()))
				.doFinally((signal) -> done.countDown())
				.subscribe(null, (ex) -> {
					errors.incrementAndGet();
					System.err.println("connection failed: " + ex);
				}));
		}
		for (Loop loop : loopsPerConnection) {
			loop.send();
		}
		boolean finished = done.await(warmupSeconds + seconds + 30L, TimeUnit.SECONDS);
		sessions.forEach(Disposable::dispose);
		loops.disposeLater().block(Duration.ofSeconds(10));
		if (!finished) {
			errors.incrementAndGet();
		}
		long total = 0;
		int count = 0;
		for (Loop loop : loopsPerConnection) {
			count += loop.count;
		}
		long[] all = new long[count];
		int i = 0;
		for (Loop loop : loopsPerConnection) {
			System.arraycopy(loop.latencies, 0, all, i, loop.count);
			i += loop.count;
			total += loop.count;
		}
		Arrays.sort(all);
		System.out.println(String.format(Locale.ROOT, "%.1f %.3f %.3f %d %d", (double) total / seconds,
				percentile(all, 0.50), percentile(all, 0.99), errors.get(), total));
		return (total > 0) ? 0 : 1;
	}

	private static double percentile(long[] sorted, double p) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
		return sorted[Math.max(0, index)] / 1e6;
	}

	/**
	 * One connection's closed loop: send, wait for the echo, record, send again until the
	 * window ends, then complete the outbound (the connection closes).
	 */
	private static final class Loop {

		final Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();

		private final byte[] payload;

		private final long from;

		private final long to;

		long[] latencies = new long[1024];

		int count;

		private long sentAt;

		boolean finished;

		Loop(byte[] payload, long from, long to) {
			this.payload = payload;
			this.from = from;
			this.to = to;
		}

		void send() {
			this.sentAt = System.nanoTime();
			this.outbound.tryEmitNext(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(this.payload)));
		}

		void echoed() {
			long now = System.nanoTime();
			if (this.sentAt >= this.from && now <= this.to) {
				if (this.count == this.latencies.length) {
					this.latencies = Arrays.copyOf(this.latencies, this.count * 2);
				}
				this.latencies[this.count++] = now - this.sentAt;
			}
			if (now < this.to) {
				send();
			}
			else {
				this.finished = true;
				this.outbound.tryEmitComplete();
			}
		}

	}

}
