package io.smartstick.balancer;

/**
 * Names of the built-in {@link BalancingStrategy balancing strategies}.
 *
 * @author smart-stick
 */
public final class BalancingStrategies {

	/**
	 * Smooth weighted round robin (the default).
	 */
	public static final String ROUND_ROBIN = "round-robin";

	/**
	 * Fewest in-flight requests relative to weight.
	 */
	public static final String LEAST_CONNECTIONS = "least-connections";

	/**
	 * Weighted random.
	 */
	public static final String RANDOM = "random";

	private BalancingStrategies() {
	}

}
