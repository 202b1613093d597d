package io.smartstick.alert;

import java.time.Duration;

/**
 * Damping rule of one backend's alerts: decides which state changes are mailed at once
 * and which are held until the end of a window of {@code min-interval}. A change of a
 * quiet backend is mailed at once and opens a window; the next change inside it (the one
 * that reverts the first, such as the recovery after an outage) is mailed at once too;
 * every further change inside it is held. A window opened by a summary mail holds every
 * change. Pure: the caller runs the timers and sends the mails. Not thread-safe: the
 * caller guards it.
 *
 * @author smart-stick
 */
final class AlertThrottle {

	private final boolean damping;

	private boolean open;

	private int immediateLeft;

	private int changes;

	private int held;

	/**
	 * Create a throttle.
	 * @param minInterval length of a window; zero or negative mails every change and
	 * never opens one
	 */
	AlertThrottle(Duration minInterval) {
		this.damping = !minInterval.isZero() && !minInterval.isNegative();
	}

	/**
	 * Record a change of the backend's state and decide whether it is mailed at once.
	 * @return the verdict; {@link Verdict#MAIL_AND_OPEN_WINDOW} asks the caller to call
	 * {@link #windowEnded()} once {@code min-interval} has passed
	 */
	Verdict changed() {
		if (!this.damping) {
			return Verdict.MAIL;
		}
		if (!this.open) {
			this.open = true;
			this.immediateLeft = 1;
			this.changes = 1;
			this.held = 0;
			return Verdict.MAIL_AND_OPEN_WINDOW;
		}
		this.changes++;
		if (this.immediateLeft > 0) {
			this.immediateLeft--;
			return Verdict.MAIL;
		}
		this.held++;
		return Verdict.HOLD;
	}

	/**
	 * Close the open window: the backend is quiet again until {@link #summarySent()} or
	 * its next change.
	 * @return what happened in the window
	 */
	Window windowEnded() {
		this.open = false;
		return new Window(this.changes, this.held);
	}

	/**
	 * Record that a summary mail goes out, which opens a window holding every change, so
	 * that a backend that keeps flapping is mailed about once per window.
	 * @return whether a window was opened, in which case the caller calls
	 * {@link #windowEnded()} once {@code min-interval} has passed
	 */
	boolean summarySent() {
		if (!this.damping || this.open) {
			return false;
		}
		this.open = true;
		this.immediateLeft = 0;
		this.changes = 0;
		this.held = 0;
		return true;
	}

	/**
	 * What to do with one change.
	 */
	enum Verdict {

		/**
		 * Mail it at once and open a window.
		 */
		MAIL_AND_OPEN_WINDOW,

		/**
		 * Mail it at once.
		 */
		MAIL,

		/**
		 * Hold it until the window ends.
		 */
		HOLD

	}

	/**
	 * What happened in one window.
	 *
	 * @param changes changes of the backend's state in the window, mailed or not
	 * @param held changes that were held rather than mailed
	 */
	record Window(int changes, int held) {

	}

}
