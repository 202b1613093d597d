package io.smartstick.integration;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.channel.ChannelOption;
import io.smartstick.dashboard.DashboardSampler;
import io.smartstick.test.LoadBalancerTests;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.SignalType;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dashboard that stops reading its event stream is let go instead of having updates
 * queued for it: once its connection's buffers are full it skips updates, and after the
 * slow-client timeout the server closes the connection. Small socket buffers on both
 * ends make the buffers fill within seconds.
 */
@SpringBootTest(classes = { TestApplication.class, DashboardSlowClientIntegrationTests.SmallSendBuffer.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "smartstick.health.enabled=false", "smartstick.dashboard.slow-client-timeout=2s" })
class DashboardSlowClientIntegrationTests {

	/** Enough backends for a few updates to fill a stalled connection's small buffers. */
	private static final int BACKENDS = 50;

	@LocalServerPort
	int port;

	@Autowired
	DashboardSampler sampler;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry properties) {
		// never checked nor called: only their rows matter
		int closed = LoadBalancerTests.closedPort();
		for (int i = 0; i < BACKENDS; i++) {
			int id = i;
			properties.add("smartstick.backends[" + i + "].id", () -> id);
			properties.add("smartstick.backends[" + i + "].url", () -> "http://127.0.0.1:" + closed + "/b" + id);
		}
	}

	@Test
	void webClientThatStopsReadingIsDisconnected() {
		HttpClient http = HttpClient.create().option(ChannelOption.SO_RCVBUF, 4096);
		WebClient client = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(http))
			.baseUrl("http://127.0.0.1:" + this.port)
			.build();
		StalledReader reader = new StalledReader();
		client.get()
			.uri("/_lb/events")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(String.class)
			.subscribe(reader);
		try {
			Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> this.sampler.subscribers() == 1);
			// the reader took one line and reads no more: the server lets it go
			Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> this.sampler.subscribers() == 0);
			reader.readEverything();
			Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> reader.end.get() != null);
		}
		finally {
			reader.dispose();
		}
	}

	@Test
	void socketThatStopsReadingIsClosedAfterABoundedAmountOfData() throws IOException {
		try (Socket socket = new Socket()) {
			socket.setReceiveBufferSize(4096);
			socket.setSoTimeout(30_000);
			socket.connect(new InetSocketAddress("127.0.0.1", this.port));
			socket.getOutputStream()
				.write("GET /_lb/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
					.getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			assertThat(in.read(new byte[64])).isPositive();
			Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> this.sampler.subscribers() == 0);
			// what was written before the server let go is all there is, then the connection ends
			long read = in.transferTo(OutputStreamDiscarding.INSTANCE);
			// an update of 50 backends is some 15 KB: the stalled client was sent a few, not one a second
			assertThat(read).isLessThan(256 * 1024);
		}
	}

	private static final class OutputStreamDiscarding extends java.io.OutputStream {

		static final OutputStreamDiscarding INSTANCE = new OutputStreamDiscarding();

		@Override
		public void write(int b) {
		}

		@Override
		public void write(byte[] b, int off, int len) {
		}

	}

	private static final class StalledReader extends BaseSubscriber<String> {

		final AtomicReference<SignalType> end = new AtomicReference<>();

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			subscription.request(1);
		}

		@Override
		protected void hookOnNext(String value) {
		}

		@Override
		protected void hookOnError(Throwable throwable) {
		}

		@Override
		protected void hookFinally(SignalType type) {
			this.end.set(type);
		}

		void readEverything() {
			requestUnbounded();
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SmallSendBuffer {

		@Bean
		NettyServerCustomizer smallSendBuffer() {
			return (server) -> server.childOption(ChannelOption.SO_SNDBUF, 4096);
		}

	}

}
