package io.smartstick.dashboard;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The dashboard's one shared stream of Server-Sent Events. Each update is serialized
 * once, framed as an event once, and its bytes are shared by every open dashboard.
 * <p>
 * A dashboard's stream is a sequence of groups that the server writes and flushes one
 * at a time (as WebFlux does for Server-Sent Events), each group taking the newest
 * update only when the server is ready to write it. Reactor Netty asks for groups ahead
 * and completes a write before the bytes leave, so the stream also holds updates back
 * while the connection is not writable (its outbound buffer is past its high-water
 * mark). So whatever the server queues for a dashboard is tiny placeholders and at most
 * one update past the high-water mark: a dashboard that reads slowly skips to the newest
 * update, and one whose connection took no update for longer than the slow-client
 * timeout is disconnected (its browser reconnects and starts again from a snapshot).
 *
 * @author smart-stick
 */
public class DashboardStream {

	/**
	 * Time a browser waits before it reconnects, sent with every snapshot.
	 */
	static final Duration RECONNECT_DELAY = Duration.ofSeconds(2);

	private static final Update NONE = new Update(-1, new byte[0]);

	private final Sinks.Many<Boolean> ticks = Sinks.many().multicast().directBestEffort();

	private final AtomicReference<Update> latest = new AtomicReference<>(NONE);

	private final long slowClientTimeoutNanos;

	private final LongSupplier nanoTime;

	private final AtomicInteger subscribers = new AtomicInteger();

	private long sequence;

	/**
	 * Create a stream.
	 * @param slowClientTimeout time a dashboard may go without taking an update before it
	 * is disconnected
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
	synchronized void publish(String json) {
		this.sequence++;
		this.latest.set(new Update(this.sequence, frame("update", json, null)));
		this.ticks.tryEmitNext(Boolean.TRUE);
	}

	/**
	 * End every open dashboard's stream, as the application stops.
	 */
	synchronized void complete() {
		this.ticks.tryEmitComplete();
	}

	/**
	 * Return the events of one dashboard: a snapshot, then the newest update each time the
	 * server is ready to write one.
	 * @param snapshot builds the snapshot, when the server is ready to write it
	 * @param writable whether the dashboard's connection takes more bytes now (its
	 * outbound buffer is below its high-water mark): updates are held back while it does
	 * not
	 * @return one group per event, each to be written and flushed after the previous one;
	 * a group is empty when no update came since the dashboard's previous one, or while
	 * the connection is not writable
	 */
	Flux<Mono<byte[]>> events(Supplier<String> snapshot, BooleanSupplier writable) {
		return Flux.defer(() -> {
			Client client = new Client();
			client.handed(this.nanoTime.getAsLong());
			Mono<byte[]> first = Mono.fromSupplier(() -> {
				// the snapshot is at least as new as the update published before it is built
				client.taken(this.latest.get().sequence(), this.nanoTime.getAsLong());
				return frame("snapshot", snapshot.get(), RECONNECT_DELAY);
			});
			Flux<Mono<byte[]>> updates = this.ticks.asFlux()
				.<Boolean>handle((tick, sink) -> {
					long now = this.nanoTime.getAsLong();
					if (client.stalled(now, this.slowClientTimeoutNanos)) {
						// an error, rather than completion, makes the server close the connection and
						// free what it buffered for the client
						sink.error(new SlowClientException());
					}
					else if (writable.getAsBoolean()) {
						sink.next(tick);
					}
					else {
						// the server would queue whatever it is given: give it nothing
						client.skipped(now);
					}
				})
				// placeholders the server did not ask for are dropped: it will take the newest update
				.onBackpressureDrop((tick) -> client.skipped(this.nanoTime.getAsLong()))
				.map((tick) -> {
					client.handed(this.nanoTime.getAsLong());
					return Mono.fromSupplier(() -> newest(client, writable));
				});
			return Flux.concat(Mono.just(first), updates)
				.doOnSubscribe((subscription) -> this.subscribers.incrementAndGet())
				.doFinally((signal) -> this.subscribers.decrementAndGet());
		});
	}

	private byte[] newest(Client client, BooleanSupplier writable) {
		if (!writable.getAsBoolean()) {
			// left untaken: the connection is still busy
			return null;
		}
		Update update = this.latest.get();
		long now = this.nanoTime.getAsLong();
		if (update.sequence() <= client.lastSent()) {
			client.taken(client.lastSent(), now);
			return null;
		}
		client.taken(update.sequence(), now);
		return update.frame();
	}

	/**
	 * Return the number of dashboards connected now.
	 * @return the count
	 */
	public int subscribers() {
		return this.subscribers.get();
	}

	private static byte[] frame(String event, String data, Duration retry) {
		// Jackson writes JSON on one line, so the data is one "data:" line
		StringBuilder frame = new StringBuilder(data.length() + 48);
		frame.append("event:").append(event).append('\n');
		if (retry != null) {
			frame.append("retry:").append(retry.toMillis()).append('\n');
		}
		frame.append("data:").append(data).append("\n\n");
		return frame.toString().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * An update, framed as an event.
	 *
	 * @param sequence its number, increasing
	 * @param frame its bytes, shared by every dashboard
	 */
	private record Update(long sequence, byte[] frame) {

	}

	/**
	 * What the stream knows of one dashboard: the newest update it was given, and whether
	 * the server has left events for it untaken (handed over but not taken, or skipped
	 * for want of demand) since when.
	 */
	private static final class Client {

		private long lastSent = -1;

		private long handed;

		private long taken;

		private boolean skipped;

		private long progress;

		synchronized void handed(long now) {
			if (this.handed == this.taken && !this.skipped) {
				this.progress = now;
			}
			this.handed++;
		}

		synchronized void skipped(long now) {
			if (this.handed == this.taken && !this.skipped) {
				this.progress = now;
			}
			this.skipped = true;
		}

		synchronized void taken(long sequence, long now) {
			this.lastSent = sequence;
			this.taken++;
			this.skipped = false;
			this.progress = now;
		}

		synchronized long lastSent() {
			return this.lastSent;
		}

		/**
		 * Whether events have waited for the server for longer than the timeout: a
		 * dashboard that keeps up, or that simply had no update for a while, never has.
		 */
		synchronized boolean stalled(long now, long timeoutNanos) {
			return (this.handed > this.taken || this.skipped) && now - this.progress > timeoutNanos;
		}

	}

	/**
	 * Ends the stream of a dashboard that took no update for too long.
	 */
	static final class SlowClientException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		SlowClientException() {
			super("Dashboard disconnected: it took no update for longer than the slow-client timeout", null, false,
					false);
		}

	}

}
