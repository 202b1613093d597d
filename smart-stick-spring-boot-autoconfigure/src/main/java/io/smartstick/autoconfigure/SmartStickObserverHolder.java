package io.smartstick.autoconfigure;

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

	SmartStickObserver get() {
		SmartStickObserver observer = this.observer;
		if (observer == null) {
			observer = SmartStickObserver.of(this.observers.orderedStream().toList());
			this.observer = observer;
		}
		return observer;
	}

}
