package io.smartstick.balancer;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every balancing strategy by name: the built-in ones and the user's beans, a user bean
 * replacing a built-in strategy of the same name.
 *
 * @author smart-stick
 */
public final class BalancingStrategyCatalog {

	private final Map<String, BalancingStrategy> strategies = new LinkedHashMap<>();

	/**
	 * Create a catalog.
	 * @param userStrategies strategies registered as beans
	 */
	public BalancingStrategyCatalog(List<BalancingStrategy> userStrategies) {
		for (BalancingStrategy builtIn : List.of(new RoundRobinBalancingStrategy(),
				new LeastConnectionsBalancingStrategy(), new RandomBalancingStrategy())) {
			this.strategies.put(builtIn.name(), builtIn);
		}
		for (BalancingStrategy strategy : userStrategies) {
			this.strategies.put(strategy.name(), strategy);
		}
	}

	/**
	 * Return the names of every strategy.
	 * @return the names, built-in ones first
	 */
	public Collection<String> names() {
		return this.strategies.keySet();
	}

	/**
	 * Return the strategy of the given name.
	 * @param name the name
	 * @return the strategy or {@code null}
	 */
	public BalancingStrategy get(String name) {
		return this.strategies.get(name);
	}

	/**
	 * Return a strategy for one pool: a new instance of a built-in strategy, since those
	 * keep state about the backends they choose among (a round-robin position, say), or the
	 * application's own strategy bean, shared by every pool that names it.
	 * @param name the strategy's name
	 * @return the strategy, or {@code null} if none has that name
	 */
	public BalancingStrategy forPool(String name) {
		BalancingStrategy strategy = this.strategies.get(name);
		if (strategy == null) {
			return null;
		}
		if (strategy.getClass() == RoundRobinBalancingStrategy.class) {
			return new RoundRobinBalancingStrategy();
		}
		if (strategy.getClass() == LeastConnectionsBalancingStrategy.class) {
			return new LeastConnectionsBalancingStrategy();
		}
		if (strategy.getClass() == RandomBalancingStrategy.class) {
			return new RandomBalancingStrategy();
		}
		return strategy;
	}

}
