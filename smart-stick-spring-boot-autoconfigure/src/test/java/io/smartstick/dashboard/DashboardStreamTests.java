package io.smartstick.dashboard;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared stream, driven as the server drives it: groups requested ahead, each taken
 * (subscribed) when the previous one is written. A dashboard gets a snapshot first, then
 * updates; one that cannot keep up gets the newest update and never a queue of old ones;
 * one whose connection stalls is let go.
 */
class DashboardStreamTests {

	private final AtomicLong nanos = new AtomicLong();

	private final DashboardStream stream = new DashboardStream(Duration.ofSeconds(30), this.nanos::get);

	private final AtomicBoolean writable = new AtomicBoolean(true);

	@Test
	void dashboardGetsASnapshotThenEveryUpdateItKeepsUpWith() {
		StepVerifier.create(this.stream.events(() -> "{\"snapshot\":true}", this.writable::get))
			.assertNext((group) -> assertThat(take(group))
				.isEqualTo("event:snapshot\nretry:2000\ndata:{\"snapshot\":true}\n\n"))
			.then(() -> this.stream.publish("{\"n\":1}"))
			.assertNext((group) -> assertThat(take(group)).isEqualTo("event:update\ndata:{\"n\":1}\n\n"))
			.then(() -> this.stream.publish("{\"n\":2}"))
			.assertNext((group) -> assertThat(take(group)).isEqualTo("event:update\ndata:{\"n\":2}\n\n"))
			.then(this.stream::complete)
			.verifyComplete();
		assertThat(this.stream.subscribers()).isZero();
	}

	@Test
	void whatTheServerQueuesAheadIsPlaceholdersThatTakeTheNewestUpdate() {
		List<Mono<byte[]>> queued = new ArrayList<>();
		StepVerifier.create(this.stream.events(() -> "snapshot", this.writable::get), 1)
			.assertNext((group) -> assertThat(take(group)).contains("snapshot"))
			// the server asks 32 ahead (as Reactor Netty does) while its connection is busy
			.thenRequest(32)
			.then(() -> {
				for (int i = 0; i < 1000; i++) {
					this.stream.publish("update " + i);
				}
			})
			.recordWith(() -> queued)
			.expectNextCount(32)
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		// the connection frees up: the first placeholder takes the newest update, the others nothing
		assertThat(take(queued.get(0))).isEqualTo("event:update\ndata:update 999\n\n");
		for (Mono<byte[]> placeholder : queued.subList(1, queued.size())) {
			assertThat(placeholder.block()).isNull();
		}
	}

	@Test
	void dashboardThatCannotKeepUpSkipsToTheNewestUpdate() {
		StepVerifier.create(this.stream.events(() -> "snapshot", this.writable::get), 1)
			.assertNext((group) -> assertThat(take(group)).contains("snapshot"))
			.then(() -> {
				for (int i = 0; i < 1000; i++) {
					this.stream.publish("skipped " + i);
				}
			})
			.thenRequest(1)
			.then(() -> this.stream.publish("fresh"))
			.assertNext((group) -> assertThat(take(group)).isEqualTo("event:update\ndata:fresh\n\n"))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		assertThat(this.stream.subscribers()).isZero();
	}

	@Test
	void dashboardWhoseConnectionStallsIsDisconnected() {
		StepVerifier.create(this.stream.events(() -> "snapshot", this.writable::get), 2)
			.assertNext((group) -> assertThat(take(group)).contains("snapshot"))
			// handed over but never taken: the connection is stuck writing
			.then(() -> this.stream.publish("stuck"))
			.expectNextCount(1)
			.then(() -> this.stream.publish("skipped while in time"))
			.then(() -> this.nanos.addAndGet(Duration.ofSeconds(31).toNanos()))
			.then(() -> this.stream.publish("skipped too late"))
			.expectError(DashboardStream.SlowClientException.class)
			.verify(Duration.ofSeconds(5));
		assertThat(this.stream.subscribers()).isZero();
	}

	@Test
	void updatesAreHeldBackWhileTheConnectionIsNotWritableThenItIsDisconnected() {
		StepVerifier.create(this.stream.events(() -> "snapshot", this.writable::get))
			.assertNext((group) -> assertThat(take(group)).contains("snapshot"))
			.then(() -> {
				// the server takes every group at once, but its connection's buffer is full
				this.writable.set(false);
				this.stream.publish("held back");
			})
			.then(() -> this.nanos.addAndGet(Duration.ofSeconds(10).toNanos()))
			.then(() -> {
				this.writable.set(true);
				this.stream.publish("fresh");
			})
			.assertNext((group) -> assertThat(take(group)).contains("data:fresh"))
			.then(() -> {
				this.writable.set(false);
				this.stream.publish("held back");
				this.nanos.addAndGet(Duration.ofSeconds(31).toNanos());
				this.stream.publish("held back too long");
			})
			.expectError(DashboardStream.SlowClientException.class)
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void dashboardThatKeepsUpIsNeverDisconnectedEvenWithoutUpdatesForLong() {
		StepVerifier.create(this.stream.events(() -> "snapshot", this.writable::get))
			.assertNext((group) -> assertThat(take(group)).contains("snapshot"))
			.then(() -> {
				this.nanos.addAndGet(Duration.ofMinutes(5).toNanos());
				this.stream.publish("late but taken");
			})
			.assertNext((group) -> assertThat(take(group)).contains("late but taken"))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void eachDashboardGetsItsOwnSnapshotAndTheSharedUpdate() {
		this.stream.publish("before");
		StepVerifier.create(this.stream.events(() -> "first", this.writable::get))
			.assertNext((group) -> assertThat(take(group)).contains("data:first"))
			.then(() -> StepVerifier.create(this.stream.events(() -> "second", this.writable::get))
				.assertNext((group) -> assertThat(take(group)).contains("data:second"))
				.then(() -> assertThat(this.stream.subscribers()).isEqualTo(2))
				.then(() -> this.stream.publish("shared"))
				.assertNext((group) -> assertThat(take(group)).contains("data:shared"))
				.thenCancel()
				.verify(Duration.ofSeconds(5)))
			.assertNext((group) -> assertThat(take(group)).contains("data:shared"))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	private static String take(Mono<byte[]> group) {
		byte[] bytes = group.block(Duration.ofSeconds(5));
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
	}

}
