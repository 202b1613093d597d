package io.smartstick.observe;

import java.util.List;

import io.smartstick.balancer.Backend;

/**
 * Calls several observers in turn.
 *
 * @author smart-stick
 */
final class CompositeObserver implements SmartStickObserver {

	private final SmartStickObserver[] observers;

	CompositeObserver(List<SmartStickObserver> observers) {
		this.observers = observers.toArray(new SmartStickObserver[0]);
	}

	@Override
	public void assigned(Backend backend, Assignment assignment) {
		for (SmartStickObserver observer : this.observers) {
			observer.assigned(backend, assignment);
		}
	}

	@Override
	public void exchangeEnded(Backend backend, int status, ExchangeOutcome outcome, long durationNanos) {
		for (SmartStickObserver observer : this.observers) {
			observer.exchangeEnded(backend, status, outcome, durationNanos);
		}
	}

	@Override
	public void retried(Backend failed, String cause) {
		for (SmartStickObserver observer : this.observers) {
			observer.retried(failed, cause);
		}
	}

	@Override
	public void healthChecked(Backend backend, boolean healthy, long durationNanos) {
		for (SmartStickObserver observer : this.observers) {
			observer.healthChecked(backend, healthy, durationNanos);
		}
	}

}
