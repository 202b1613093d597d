package io.smartstick.routing;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;

import io.netty.channel.ConnectTimeoutException;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.http.server.HttpServer;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquirePendingLimitException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquireTimeoutException;
import reactor.netty.internal.shaded.reactor.pool.PoolShutdownException;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Classification of proxy failures over the exceptions Reactor Netty and the JDK really
 * raise, by type, cause chain and how far the attempt got, never by message text.
 */
class ProxyFailureTests {

	@Test
	void refusedConnectionOfTheRealClientIsNotReached() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		Throwable refused = failureOf(HttpClient.create(ConnectionProvider.newConnection()),
				"http://127.0.0.1:" + closedPort + "/");
		assertThat(ProxyFailure.of(refused, false, false)).isEqualTo(ProxyFailure.NOT_REACHED);
	}

	@Test
	void connectFailuresAreNotReachedWhereverTheyAreInTheCauseChain() {
		assertThat(ProxyFailure.of(new ConnectException("Connection refused"), false, false))
			.isEqualTo(ProxyFailure.NOT_REACHED);
		assertThat(ProxyFailure.of(new ConnectTimeoutException("connection timed out"), false, false))
			.isEqualTo(ProxyFailure.NOT_REACHED);
		assertThat(ProxyFailure.of(new UnknownHostException("backend.invalid"), false, false))
			.isEqualTo(ProxyFailure.NOT_REACHED);
		assertThat(ProxyFailure.of(new IllegalStateException(new RuntimeException(new ConnectException())), false,
				false))
			.isEqualTo(ProxyFailure.NOT_REACHED);
	}

	@Test
	void connectionClosedBeforeSendIsNotSentWhateverTheStage() {
		AbortedException beforeSend = AbortedException.beforeSend();
		assertThat(ProxyFailure.of(beforeSend, true, false)).isEqualTo(ProxyFailure.NOT_SENT);
		assertThat(ProxyFailure.of(beforeSend, false, false)).isEqualTo(ProxyFailure.NOT_SENT);
		assertThat(ProxyFailure.NOT_SENT.neverSent()).isTrue();
		assertThat(ProxyFailure.NOT_SENT.isTransport()).as("the backend had accepted the connection").isFalse();
	}

	@Test
	void ioFailureBeforeAnyConnectionHadTheRequestIsNotSent() {
		// what Reactor Netty raises when every pooled connection it hands out is found closed
		IOException acquire = new IOException("Error while acquiring from reactor.netty.internal.shaded.reactor.pool");
		assertThat(ProxyFailure.of(acquire, false, false)).isEqualTo(ProxyFailure.NOT_SENT);
	}

	@Test
	void poolFailuresAreNoConnectionAndNotTheBackendsFault() {
		assertThat(ProxyFailure.of(new PoolAcquireTimeoutException(Duration.ofMillis(45)), false, false))
			.isEqualTo(ProxyFailure.NO_CONNECTION);
		assertThat(ProxyFailure.of(new PoolAcquirePendingLimitException(1), false, false))
			.isEqualTo(ProxyFailure.NO_CONNECTION);
		assertThat(ProxyFailure.of(new RuntimeException(new PoolShutdownException()), false, false))
			.isEqualTo(ProxyFailure.NO_CONNECTION);
		assertThat(ProxyFailure.NO_CONNECTION.neverSent()).isTrue();
		assertThat(ProxyFailure.NO_CONNECTION.isTransport()).isFalse();
	}

	@Test
	void connectionClosedByTheRealBackendAfterTheRequestIsResetBeforeResponse() {
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> response.withConnection((connection) -> connection.channel().close())
				.then())
			.bindNow();
		try {
			Throwable closed = failureOf(HttpClient.create(ConnectionProvider.newConnection()),
					"http://127.0.0.1:" + server.port() + "/");
			assertThat(closed).isInstanceOf(PrematureCloseException.class);
			assertThat(ProxyFailure.of(closed, true, false)).isEqualTo(ProxyFailure.RESET_BEFORE_RESPONSE);
		}
		finally {
			server.disposeNow();
		}
	}

	@Test
	void closeAfterTheResponseHeadersIsResetDuringResponse() {
		assertThat(ProxyFailure.of(PrematureCloseException.TEST_EXCEPTION, true, true))
			.isEqualTo(ProxyFailure.RESET_DURING_RESPONSE);
		assertThat(ProxyFailure.of(new IOException("Connection reset by peer"), true, true))
			.isEqualTo(ProxyFailure.RESET_DURING_RESPONSE);
	}

	@Test
	void writeFailureOnABoundConnectionMayHaveReachedTheBackend() {
		AbortedException writeFailed = new AbortedException(new ClosedChannelException());
		assertThat(ProxyFailure.of(writeFailed, true, false)).isEqualTo(ProxyFailure.RESET_BEFORE_RESPONSE);
		assertThat(ProxyFailure.RESET_BEFORE_RESPONSE.neverSent()).isFalse();
	}

	@Test
	void gatewayResponseTimeoutIsTimeout() {
		ResponseStatusException timeout = new ResponseStatusException(HttpStatus.GATEWAY_TIMEOUT,
				"Response took longer than timeout: PT1S");
		assertThat(ProxyFailure.of(timeout, true, false)).isEqualTo(ProxyFailure.TIMEOUT);
	}

	@Test
	void messageTextDecidesNothing() {
		assertThat(ProxyFailure.of(new IllegalStateException("Connection has been closed BEFORE send operation"),
				true, false))
			.isEqualTo(ProxyFailure.OTHER);
		assertThat(ProxyFailure.of(new IllegalStateException("Connection reset by peer"), true, false))
			.isEqualTo(ProxyFailure.OTHER);
		assertThat(ProxyFailure.of(new IOException("Connection prematurely closed DURING response"), true, false))
			.isEqualTo(ProxyFailure.RESET_BEFORE_RESPONSE);
		assertThat(ProxyFailure.of(new IOException("Connection prematurely closed BEFORE response"), false, false))
			.isEqualTo(ProxyFailure.NOT_SENT);
	}

	@Test
	void failuresOutsideTheTransportAreOther() {
		assertThat(ProxyFailure.of(new IllegalArgumentException("bad header"), true, false))
			.isEqualTo(ProxyFailure.OTHER);
		assertThat(ProxyFailure.of(new ResponseStatusException(HttpStatus.NOT_FOUND), false, false))
			.isEqualTo(ProxyFailure.OTHER);
	}

	private static Throwable failureOf(HttpClient client, String url) {
		return client.get()
			.uri(url)
			.response()
			.map((response) -> (Throwable) new AssertionError("answered " + response.status()))
			.onErrorResume((ex) -> reactor.core.publisher.Mono.just(ex))
			.block(Duration.ofSeconds(10));
	}

}
