package io.smartstick.sticky;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.smartstick.balancer.Backend;
import io.smartstick.observe.ExchangeOutcome;
import io.smartstick.observe.SmartStickObserver;

/**
 * One proxied exchange counted against its backend, ended exactly once.
 *
 * @author smart-stick
 */
public final class InFlight {

	private final Backend backend;

	private final SmartStickObserver observer;

	private final long start = System.nanoTime();

	private static final AtomicIntegerFieldUpdater<InFlight> ENDED = AtomicIntegerFieldUpdater
		.newUpdater(InFlight.class, "ended");

	/** 1 once ended; a field updater instead of an AtomicBoolean spares an object per request. */
	private volatile int ended;

	/**
	 * Count an exchange against its backend from now on.
	 * @param backend the backend
	 * @param observer told once the exchange ends
	 */
	public InFlight(Backend backend, SmartStickObserver observer) {
		this.backend = backend;
		this.observer = observer;
		backend.started();
	}

	/**
	 * End the count, the first time only.
	 * @param status the status answered, 0 when none was
	 * @param outcome how the exchange ended
	 */
	public void end(int status, ExchangeOutcome outcome) {
		if (ENDED.compareAndSet(this, 0, 1)) {
			this.backend.completed();
			this.observer.exchangeEnded(this.backend, status, outcome, System.nanoTime() - this.start);
		}
	}

}
