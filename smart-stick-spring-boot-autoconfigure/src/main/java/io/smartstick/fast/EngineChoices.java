package io.smartstick.fast;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which engine serves each pool, and why: decided at start-up, possibly revised once the
 * application context is refreshed (when the application turns out to have handlers
 * whose paths cannot be known, or Gateway routes of its own, that a fast pool would
 * shadow). Shown by {@code /actuator/smartstick}.
 *
 * @author smart-stick
 */
public final class EngineChoices {

	/**
	 * Name of the Gateway engine.
	 */
	public static final String GATEWAY = "gateway";

	/**
	 * Name of the fast engine.
	 */
	public static final String FAST = "fast";

	private volatile Map<String, Choice> choices;

	/**
	 * Create the choices.
	 * @param choices by pool name, in the order of the pools
	 */
	public EngineChoices(Map<String, Choice> choices) {
		this.choices = Collections.unmodifiableMap(new LinkedHashMap<>(choices));
	}

	/**
	 * Return the choice for every pool.
	 * @return the choices by pool name, in the order of the pools
	 */
	public Map<String, Choice> all() {
		return this.choices;
	}

	/**
	 * Return the choice for a pool.
	 * @param pool the pool's name
	 * @return the choice, or {@code null} for an unknown pool
	 */
	public Choice find(String pool) {
		return this.choices.get(pool);
	}

	/**
	 * Whether a pool is served by the fast engine.
	 * @param pool the pool's name
	 * @return {@code true} if it is
	 */
	public boolean isFast(String pool) {
		Choice choice = find(pool);
		return choice != null && choice.isFast();
	}

	/**
	 * Whether any pool is served by the fast engine.
	 * @return {@code true} if at least one is
	 */
	public boolean anyFast() {
		return this.choices.values().stream().anyMatch(Choice::isFast);
	}

	/**
	 * Change the choice of a pool.
	 * @param pool the pool's name
	 * @param choice its new choice
	 */
	public synchronized void revise(String pool, Choice choice) {
		Map<String, Choice> revised = new LinkedHashMap<>(this.choices);
		revised.put(pool, choice);
		this.choices = Collections.unmodifiableMap(revised);
	}

	/**
	 * The engine of one pool.
	 *
	 * @param engine {@value #GATEWAY} or {@value #FAST}
	 * @param configured what was configured: {@code auto}, {@code gateway} or
	 * {@code fast}
	 * @param reason why, in a few words
	 */
	public record Choice(String engine, String configured, String reason) {

		/**
		 * Whether the pool is served by the fast engine.
		 * @return {@code true} if it is
		 */
		public boolean isFast() {
			return FAST.equals(this.engine);
		}

		/**
		 * Return the choice as the status endpoint shows it.
		 * @return engine, configured value and reason
		 */
		public Map<String, Object> describe() {
			Map<String, Object> description = new LinkedHashMap<>();
			description.put("engine", this.engine);
			description.put("configured", this.configured);
			description.put("reason", this.reason);
			return description;
		}

	}

}
