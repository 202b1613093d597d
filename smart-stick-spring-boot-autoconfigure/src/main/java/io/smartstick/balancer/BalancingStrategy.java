package io.smartstick.balancer;

import java.util.List;

/**
 * Picks the backend for a client without a valid sticky assignment. Implementations are
 * pure (no I/O), thread-safe and cheap: they run on the event loop for every new client.
 * Register one as a bean and select it with {@code smartstick.strategy=<name()>}.
 *
 * @author smart-stick
 * @see BalancingStrategies
 */
public interface BalancingStrategy {

	/**
	 * Return the name that {@code smartstick.strategy} selects this strategy by.
	 * @return the name, never {@code null}
	 */
	String name();

	/**
	 * Choose one of the candidates. The list only holds healthy backends with a positive
	 * weight, and the same list instance is passed until the pool changes, so a strategy
	 * may cache what it derives from it by identity.
	 * @param candidates the backends to choose from, possibly empty
	 * @return the chosen backend, or {@code null} only when {@code candidates} is empty
	 */
	Backend choose(List<Backend> candidates);

}
