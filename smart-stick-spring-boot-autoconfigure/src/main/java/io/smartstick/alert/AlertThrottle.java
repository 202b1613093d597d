package io.smartstick.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Damps flapping: allows at most one mail per backend within a minimum interval and
 * counts the changes it holds back, so the next mail can mention them. Thread-safe.
 *
 * @author smart-stick
 */
final class AlertThrottle {

	private final Duration minInterval;

	private final Map<Integer, Window> windows = new ConcurrentHashMap<>();

	/**
	 * Create a throttle.
	 * @param minInterval minimum time between two mails about one backend; zero or
	 * negative lets every change through
	 */
	AlertThrottle(Duration minInterval) {
		this.minInterval = minInterval;
	}

	/**
	 * Decide whether a change of the given backend at the given time is mailed, and record
	 * the decision.
	 * @param backendId the backend's id
	 * @param time when the backend changed
	 * @return the number of changes held back since the previous mail (zero or more) if
	 * this change is to be mailed, or {@code -1} if it is held back
	 */
	int acquire(int backendId, Instant time) {
		Window window = this.windows.compute(backendId, (id, previous) -> {
			if (previous == null || this.minInterval.isZero() || this.minInterval.isNegative()
					|| !time.isBefore(previous.sent().plus(this.minInterval))) {
				return new Window(time, 0, (previous != null) ? previous.suppressed() : 0);
			}
			return new Window(previous.sent(), previous.suppressed() + 1, -1);
		});
		return window.decision();
	}

	/**
	 * Mail state of one backend.
	 *
	 * @param sent when the latest mailed change happened
	 * @param suppressed changes held back since then
	 * @param decision result of the latest {@link #acquire} call
	 */
	private record Window(Instant sent, int suppressed, int decision) {

	}

}
