package io.smartstick.sticky;

import java.util.concurrent.atomic.AtomicBoolean;

import io.smartstick.balancer.Backend;
import io.smartstick.observe.ExchangeOutcome;
import io.smartstick.observe.SmartStickObserver;

/**
 * One proxied exchange counted against its backend, ended exactly once.
 *
 * @author smart-stick
 */
final class InFlight {

	/**
	 * Exchange attribute holding the exchange's current {@code InFlight}.
	 */
	static final String ATTRIBUTE = InFlight.class.getName();

	private final Backend backend;

	private final SmartStickObserver observer;

	private final long start = System.nanoTime();

	private final AtomicBoolean ended = new AtomicBoolean();

	InFlight(Backend backend, SmartStickObserver observer) {
		this.backend = backend;
		this.observer = observer;
		backend.started();
	}

	void end(int status, ExchangeOutcome outcome) {
		if (this.ended.compareAndSet(false, true)) {
			this.backend.completed();
			this.observer.exchangeEnded(this.backend, status, outcome, System.nanoTime() - this.start);
		}
	}

}
