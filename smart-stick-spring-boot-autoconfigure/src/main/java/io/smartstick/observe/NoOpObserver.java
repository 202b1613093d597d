package io.smartstick.observe;

/**
 * The observer used when nobody observes.
 *
 * @author smart-stick
 */
final class NoOpObserver implements SmartStickObserver {

	static final NoOpObserver INSTANCE = new NoOpObserver();

	private NoOpObserver() {
	}

}
