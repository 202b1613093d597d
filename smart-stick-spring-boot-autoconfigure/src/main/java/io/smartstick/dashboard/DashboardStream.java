package io.smartstick.dashboard;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.http.codec.ServerSentEvent;

/**
 * The dashboard's one shared stream of Server-Sent Events. Each update is serialized once
 * and offered to every open dashboard; a dashboard that has not asked for more (its
 * connection is not writable) skips it instead of queuing it, and one that skipped
 * updates for longer than the slow-client timeout is disconnected (its browser reconnects
 * and starts again from a snapshot). So an open dashboard holds at most one update and
 * the connection's own bounded buffers, however slow it reads.
 *
 * @author smart-stick
 */
public class DashboardStream {

	/**
	 * Time a browser waits before it reconnects, sent with every snapshot.
	 */
	static final Duration RECONNECT_DELAY = Duration.ofSeconds(2);

	private final Sinks.Many<String> updates = Sinks.many().multicast().directBestEffort();

	private final long slowClientTimeoutNanos;

	private final LongSupplier nanoTime;

	private final AtomicInteger subscribers = new AtomicInteger();

	/**
	 * Create a stream.
	 * @param slowClientTimeout time a dashboard may skip updates before it is disconnected
	 */
	public DashboardStream(Duration slowClientTimeout) {
		this(slowClientTimeout, System::nanoTime);
	}

	DashboardStream(Duration slowClientTimeout, LongSupplier nanoTime) {
		this.slowClientTimeoutNanos = slowClientTimeout.toNanos();
		this.nanoTime = nanoTime;
	}

	/**
	 * Offer an update to every open dashboard.
	 * @param json the update, as JSON
	 */
	void publish(String json) {
		this.updates.tryEmitNext(json);
	}

	/**
	 * End every open dashboard's stream, as the application stops.
	 */
	void complete() {
		this.updates.tryEmitComplete();
	}

	/**
	 * Return the events of one dashboard: a snapshot, then every update it keeps up with.
	 * @param snapshot builds the snapshot, when the dashboard asks for its first event
	 * @return the events
	 */
	Flux<ServerSentEvent<String>> events(Supplier<String> snapshot) {
		return Flux.defer(() -> {
			Pace pace = new Pace(this.nanoTime.getAsLong());
			Sinks.One<Boolean> tooSlow = Sinks.one();
			// no operator below the drop queues updates: each passes the subscriber's own demand on
			Flux<ServerSentEvent<String>> updates = this.updates.asFlux()
				.onBackpressureDrop((skipped) -> {
					if (pace.skippedTooLong(this.nanoTime.getAsLong(), this.slowClientTimeoutNanos)) {
						tooSlow.tryEmitValue(true);
					}
				})
				.takeUntilOther(tooSlow.asMono())
				.doOnNext((update) -> pace.delivered(this.nanoTime.getAsLong()))
				.map((update) -> ServerSentEvent.builder(update).event("update").build());
			Mono<ServerSentEvent<String>> first = Mono.fromSupplier(() -> ServerSentEvent.builder(snapshot.get())
				.event("snapshot")
				.retry(RECONNECT_DELAY)
				.build());
			// ending with an error, rather than completing, makes the server close the connection and
			// free what it buffered for the client
			Mono<ServerSentEvent<String>> end = Mono
				.defer(() -> pace.tooSlow() ? Mono.error(new SlowClientException()) : Mono.empty());
			return first.concatWith(updates)
				.concatWith(end)
				.doOnSubscribe((subscription) -> this.subscribers.incrementAndGet())
				.doFinally((signal) -> this.subscribers.decrementAndGet());
		});
	}

	/**
	 * Return the number of dashboards connected now.
	 * @return the count
	 */
	public int subscribers() {
		return this.subscribers.get();
	}

	/**
	 * When one dashboard last took an update.
	 */
	private static final class Pace {

		private volatile long lastDelivered;

		private volatile boolean tooSlow;

		Pace(long now) {
			this.lastDelivered = now;
		}

		void delivered(long now) {
			this.lastDelivered = now;
		}

		boolean skippedTooLong(long now, long timeoutNanos) {
			if (now - this.lastDelivered > timeoutNanos) {
				this.tooSlow = true;
			}
			return this.tooSlow;
		}

		boolean tooSlow() {
			return this.tooSlow;
		}

	}

	/**
	 * Ends the stream of a dashboard that skipped updates for too long.
	 */
	static final class SlowClientException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		SlowClientException() {
			super("Dashboard disconnected: it took no update for longer than the slow-client timeout", null, false,
					false);
		}

	}

}
