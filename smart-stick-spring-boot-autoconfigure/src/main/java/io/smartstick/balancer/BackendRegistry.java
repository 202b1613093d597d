package io.smartstick.balancer;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one place backend state lives. The request path reads it without locks through an
 * immutable {@link BackendPool} snapshot; health results and admin actions change it, and
 * each change is handed to the registry's listener (which publishes it as an event).
 *
 * @author smart-stick
 */
public class BackendRegistry {

	private final Object monitor = new Object();

	private final Consumer<BackendStateChange> listener;

	private final Consumer<AdminStateChange> adminListener;

	private volatile BackendPool pool;

	/**
	 * Create a registry of the given backends.
	 * @param backends the backends, ids unique
	 * @param listener told of every change of a backend's health state
	 */
	public BackendRegistry(List<Backend> backends, Consumer<BackendStateChange> listener) {
		this(backends, listener, (change) -> {
		});
	}

	/**
	 * Create a registry of the given backends.
	 * @param backends the backends, ids unique
	 * @param listener told of every change of a backend's health state
	 * @param adminListener told of every change of a backend's admin state
	 */
	public BackendRegistry(List<Backend> backends, Consumer<BackendStateChange> listener,
			Consumer<AdminStateChange> adminListener) {
		this.pool = new BackendPool(backends);
		this.listener = listener;
		this.adminListener = adminListener;
	}

	/**
	 * Change a backend's admin state. The pool is rebuilt and the admin listener told once
	 * when the state changes.
	 * @param backend the backend
	 * @param state the new admin state
	 * @return {@code true} if the state changed
	 */
	public boolean updateAdminState(Backend backend, AdminState state) {
		AdminStateChange change;
		synchronized (this.monitor) {
			AdminState previous = backend.adminState();
			if (previous == state) {
				return false;
			}
			backend.updateAdminState(state);
			this.pool = new BackendPool(this.pool.all());
			change = new AdminStateChange(backend, previous, state);
		}
		this.adminListener.accept(change);
		return true;
	}

	/**
	 * Return every backend, in configuration order.
	 * @return an immutable list
	 */
	public List<Backend> all() {
		return this.pool.all();
	}

	/**
	 * Return the backends that can take new clients: healthy, ready and with a positive
	 * weight.
	 * The same list instance is returned until the pool changes.
	 * @return an immutable list, empty when none is available
	 */
	public List<Backend> available() {
		return this.pool.available();
	}

	/**
	 * Return the backend with the given id.
	 * @param id the id
	 * @return the backend or {@code null} if there is none
	 */
	public Backend find(int id) {
		return this.pool.find(id);
	}

	/**
	 * Record the result of a health decision. When the backend's healthy flag changes, the
	 * pool is rebuilt and the listener is told once.
	 * @param backend the backend
	 * @param healthy whether it is healthy now
	 * @param cause why, for operators
	 * @param time when the decision was made
	 * @return {@code true} if the healthy flag changed
	 */
	public boolean updateHealth(Backend backend, boolean healthy, String cause, Instant time) {
		BackendStateChange change = null;
		synchronized (this.monitor) {
			BackendHealth previous = backend.health();
			backend.updateHealth(new BackendHealth(healthy, cause, time));
			if (previous.healthy() != healthy) {
				this.pool = new BackendPool(this.pool.all());
				change = new BackendStateChange(backend, previous.healthy(), healthy, cause, time);
			}
		}
		if (change != null) {
			this.listener.accept(change);
			return true;
		}
		return false;
	}

}
