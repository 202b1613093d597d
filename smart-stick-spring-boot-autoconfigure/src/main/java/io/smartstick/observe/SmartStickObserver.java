package io.smartstick.observe;

import java.util.List;

import io.smartstick.balancer.Backend;

/**
 * Told of what happens on the request path and in the health checker, for metrics and
 * tracing. Every bean of this type is called; methods run on event-loop threads for
 * every request, so implementations must be cheap and never block or throw.
 *
 * @author smart-stick
 */
public interface SmartStickObserver {

	/**
	 * A request was assigned to a backend (or refused under the strict policy).
	 * @param backend the backend chosen, or the refused one
	 * @param assignment how: kept (sticky hit), new (miss), reassigned, refused
	 */
	default void assigned(Backend backend, Assignment assignment) {
	}

	/**
	 * A proxied exchange ended, however it ended.
	 * @param backend the backend that served it
	 * @param status the response status sent to the client, or 0 if none was sent
	 * @param outcome how it ended
	 * @param durationNanos time from assignment to the end
	 */
	default void exchangeEnded(Backend backend, int status, ExchangeOutcome outcome, long durationNanos) {
	}

	/**
	 * A failed request is being retried on another backend.
	 * @param failed the backend it failed on
	 * @param cause why, such as "connection refused"
	 */
	default void retried(Backend failed, String cause) {
	}

	/**
	 * A health check of a backend finished.
	 * @param backend the backend
	 * @param healthy whether it passed
	 * @param durationNanos how long it took
	 */
	default void healthChecked(Backend backend, boolean healthy, long durationNanos) {
	}

	/**
	 * Combine observers into one.
	 * @param observers the observers, possibly empty
	 * @return one observer calling each in turn
	 */
	static SmartStickObserver of(List<SmartStickObserver> observers) {
		if (observers.isEmpty()) {
			return NoOpObserver.INSTANCE;
		}
		if (observers.size() == 1) {
			return observers.get(0);
		}
		return new CompositeObserver(observers);
	}

}
