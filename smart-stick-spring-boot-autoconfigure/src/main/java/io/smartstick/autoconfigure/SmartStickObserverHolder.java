package io.smartstick.autoconfigure;

import io.smartstick.balancer.Backend;
import io.smartstick.observe.Assignment;
import io.smartstick.observe.ExchangeOutcome;
import io.smartstick.observe.SmartStickObserver;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Collects every {@link SmartStickObserver} bean into one, resolved on first use so that
 * observers defined by later auto-configurations (metrics) are included.
 *
 * @author smart-stick
 */
final class SmartStickObserverHolder {

	private final ObjectProvider<SmartStickObserver> observers;

	private volatile SmartStickObserver observer;

	SmartStickObserverHolder(ObjectProvider<SmartStickObserver> observers) {
		this.observers = observers;
	}

	/**
	 * An observer that calls the collected observers, collecting them on its first call:
	 * for objects created before every observer bean exists (the routes' filters).
	 */
	SmartStickObserver lazy() {
		return new SmartStickObserver() {

			@Override
			public void assigned(Backend backend, Assignment assignment) {
				get().assigned(backend, assignment);
			}

			@Override
			public void exchangeEnded(Backend backend, int status, ExchangeOutcome outcome, long durationNanos) {
				get().exchangeEnded(backend, status, outcome, durationNanos);
			}

			@Override
			public void retried(Backend failed, String cause) {
				get().retried(failed, cause);
			}

			@Override
			public void healthChecked(Backend backend, boolean healthy, long durationNanos) {
				get().healthChecked(backend, healthy, durationNanos);
			}

		};
	}

	SmartStickObserver get() {
		SmartStickObserver observer = this.observer;
		if (observer == null) {
			observer = SmartStickObserver.of(this.observers.orderedStream().toList());
			this.observer = observer;
		}
		return observer;
	}

}
