package io.smartstick.dashboard;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.http.codec.ServerSentEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared stream: a snapshot first, then updates; a dashboard that cannot keep up
 * skips updates and is let go, and nothing is ever queued for it.
 */
class DashboardStreamTests {

	private final AtomicLong nanos = new AtomicLong();

	private final DashboardStream stream = new DashboardStream(Duration.ofSeconds(30), this.nanos::get);

	@Test
	void dashboardGetsASnapshotThenEveryUpdateItKeepsUpWith() {
		StepVerifier.create(this.stream.events(() -> "{\"snapshot\":true}"))
			.assertNext((event) -> {
				assertThat(event.event()).isEqualTo("snapshot");
				assertThat(event.data()).isEqualTo("{\"snapshot\":true}");
				assertThat(event.retry()).isEqualTo(DashboardStream.RECONNECT_DELAY);
			})
			.then(() -> this.stream.publish("1"))
			.then(() -> this.stream.publish("2"))
			.assertNext((event) -> assertThat(event.data()).isEqualTo("1"))
			.assertNext((event) -> assertThat(event.data()).isEqualTo("2"))
			.then(this.stream::complete)
			.verifyComplete();
		assertThat(this.stream.subscribers()).isZero();
	}

	@Test
	void slowDashboardSkipsUpdatesInsteadOfQueuingThem() {
		StepVerifier.create(this.stream.events(() -> "snapshot"), 1)
			.expectNextCount(1)
			.then(() -> {
				for (int i = 0; i < 1000; i++) {
					this.stream.publish("skipped " + i);
				}
			})
			.thenRequest(1)
			.then(() -> this.stream.publish("fresh"))
			.assertNext((event) -> assertThat(event.data()).isEqualTo("fresh"))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		assertThat(this.stream.subscribers()).isZero();
	}

	@Test
	void dashboardThatSkipsUpdatesForLongerThanTheTimeoutIsDisconnected() {
		StepVerifier.create(this.stream.events(() -> "snapshot"), 1)
			.expectNextCount(1)
			.then(() -> this.stream.publish("skipped while in time"))
			.then(() -> this.nanos.addAndGet(Duration.ofSeconds(31).toNanos()))
			.then(() -> this.stream.publish("skipped too late"))
			.expectError(DashboardStream.SlowClientException.class)
			.verify(Duration.ofSeconds(5));
		assertThat(this.stream.subscribers()).isZero();
	}

	@Test
	void dashboardThatKeepsUpIsNeverDisconnected() {
		StepVerifier.create(this.stream.events(() -> "snapshot"))
			.expectNextCount(1)
			.then(() -> {
				this.nanos.addAndGet(Duration.ofMinutes(5).toNanos());
				this.stream.publish("late but taken");
			})
			.assertNext((event) -> assertThat(event.data()).isEqualTo("late but taken"))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void eachDashboardGetsItsOwnSnapshotAndTheSharedUpdates() {
		StepVerifier.create(this.stream.events(() -> "first"))
			.assertNext((event) -> assertThat(event.data()).isEqualTo("first"))
			.then(() -> StepVerifier.create(this.stream.events(() -> "second").map(ServerSentEvent::data))
				.expectNext("second")
				.then(() -> assertThat(this.stream.subscribers()).isEqualTo(2))
				.then(() -> this.stream.publish("shared"))
				.expectNext("shared")
				.thenCancel()
				.verify(Duration.ofSeconds(5)))
			.assertNext((event) -> assertThat(event.data()).isEqualTo("shared"))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
	}

}
