package io.smartstick.dashboard;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.smartstick.balancer.AdminState;
import io.smartstick.balancer.Backend;
import io.smartstick.health.BackendAddedEvent;
import io.smartstick.health.BackendAdminStateChangedEvent;
import io.smartstick.health.BackendRemovedEvent;
import io.smartstick.health.BackendStateChangedEvent;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;

/**
 * The dashboard's memory of state changes: the latest {@value #KEPT} health and admin
 * state changes of every pool, newest first, and each backend's latest change (when and
 * why), from the events the registry publishes.
 *
 * @author smart-stick
 */
public class StateChanges implements ApplicationListener<ApplicationEvent> {

	/**
	 * Number of changes kept.
	 */
	static final int KEPT = 50;

	private final Deque<Map<String, Object>> latest = new ArrayDeque<>(KEPT);

	/** By backend (by identity: ids repeat across pools). */
	private final Map<Backend, Change> byBackend = new ConcurrentHashMap<>();

	private final Instant started;

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Create an empty memory of changes.
	 * @param clock tells when the load balancer started, the time of every backend's first
	 * state
	 */
	public StateChanges(Clock clock) {
		this.started = clock.instant();
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof BackendStateChangedEvent changed) {
			record(changed.getBackend(), changed.wasHealthy() ? "UP" : "DOWN", changed.isHealthy() ? "UP" : "DOWN",
					changed.getCause(), changed.getTime());
		}
		else if (event instanceof BackendAdminStateChangedEvent changed) {
			record(changed.getBackend(), name(changed.getPrevious()), name(changed.getCurrent()),
					"admin state set to " + name(changed.getCurrent()), Instant.ofEpochMilli(event.getTimestamp()));
		}
		else if (event instanceof BackendAddedEvent added) {
			record(added.getBackend(), "ABSENT", "COMING_UP", "added", Instant.ofEpochMilli(event.getTimestamp()));
		}
		else if (event instanceof BackendRemovedEvent removed) {
			record(removed.getBackend(), removed.getBackend().health().healthy() ? "UP" : "DOWN", "REMOVED", "removed",
					Instant.ofEpochMilli(event.getTimestamp()));
			// a removed backend leaves the page: keep nothing of it but its line in the latest changes
			this.byBackend.remove(removed.getBackend());
		}
	}

	private void record(Backend backend, String from, String to, String cause, Instant time) {
		this.byBackend.put(backend, new Change(time, cause));
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("time", time.toEpochMilli());
		entry.put("pool", backend.pool());
		entry.put("id", backend.hasNumericKey() ? backend.id() : backend.idValue());
		entry.put("from", from);
		entry.put("to", to);
		entry.put("cause", cause);
		synchronized (this.latest) {
			if (this.latest.size() == KEPT) {
				this.latest.removeLast();
			}
			this.latest.addFirst(entry);
		}
		for (Runnable listener : this.listeners) {
			listener.run();
		}
	}

	/**
	 * Add a listener told after each change is recorded.
	 * @param listener the listener, which must be quick and never throw
	 */
	void onChange(Runnable listener) {
		this.listeners.add(listener);
	}

	/**
	 * Return the latest changes.
	 * @return up to {@value #KEPT} changes, newest first
	 */
	List<Map<String, Object>> latest() {
		synchronized (this.latest) {
			return new ArrayList<>(this.latest);
		}
	}

	/**
	 * Return a backend's latest change.
	 * @param backend the backend
	 * @return its latest change, or the start of the load balancer if it never changed
	 */
	Change latest(Backend backend) {
		Change change = this.byBackend.get(backend);
		return (change != null) ? change : new Change(this.started, "since start-up");
	}

	private static String name(AdminState state) {
		return state.name().toLowerCase(Locale.ROOT);
	}

	/**
	 * When and why a backend last changed state.
	 *
	 * @param time when
	 * @param cause why
	 */
	record Change(Instant time, String cause) {

	}

}
