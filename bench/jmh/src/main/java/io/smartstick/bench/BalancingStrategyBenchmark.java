package io.smartstick.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.BalancingStrategies;
import io.smartstick.balancer.BalancingStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One pick of a built-in {@link BalancingStrategy} among the available backends, what
 * every new or moved client costs on top of the cookie. The candidates are the registry's
 * available list, weighted 1, 2, 3, 1, ..., and the same list instance on every call, as
 * in production, so what a strategy derives from it is computed once.
 * <p>
 * By design, round-robin is O(1) (a precomputed smooth weighted order, one atomic
 * increment), random O(log n) (a binary search over cumulative weights) and
 * least-connections O(n) (a scan of every candidate's in-flight count); {@code backends}
 * 2, 100 and 1000 shows whether they keep to it. Backends have 0 to 3 requests in flight
 * so least-connections compares real counts.
 *
 * @author smart-stick
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class BalancingStrategyBenchmark {

	/**
	 * Name of the strategy.
	 */
	@Param({ BalancingStrategies.ROUND_ROBIN, BalancingStrategies.LEAST_CONNECTIONS, BalancingStrategies.RANDOM })
	public String strategy;

	/**
	 * Number of backends, all available.
	 */
	@Param({ "2", "100", "1000" })
	public int backends;

	private BalancingStrategy balancingStrategy;

	private List<Backend> candidates;

	/**
	 * Build the registry and take the strategy from the catalog, as the auto-configuration
	 * does; then pick once so the strategy's per-pool data is in place.
	 */
	@Setup
	public void setUp() {
		BackendRegistry registry = BenchmarkBackends.registry(BenchmarkBackends.properties(this.backends));
		this.candidates = registry.available();
		BenchmarkBackends.check(this.candidates.size() == this.backends, "backends not all available");
		for (Backend backend : this.candidates) {
			for (int i = 0; i < backend.id() % 4; i++) {
				backend.started();
			}
		}
		this.balancingStrategy = BenchmarkBackends.strategies().get(this.strategy);
		BenchmarkBackends.check(choose() != null, "no backend chosen");
	}

	@Benchmark
	public Backend choose() {
		return this.balancingStrategy.choose(this.candidates);
	}

}
