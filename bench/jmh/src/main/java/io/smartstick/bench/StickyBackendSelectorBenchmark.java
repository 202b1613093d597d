package io.smartstick.bench;

import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.config.SmartStickProperties;
import io.smartstick.observe.Assignment;
import io.smartstick.sticky.StickyBackendSelector;
import io.smartstick.sticky.StickyCookieCodec;
import io.smartstick.sticky.StickySelection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The whole backend selection of one request,
 * {@link StickyBackendSelector#select(String, Set)}, as the sticky session filter calls
 * it for a request that is not a retry (nothing excluded), with the default configuration
 * (round-robin, unsigned cookie).
 * <ul>
 * <li>{@code stickyClient}: the cookie names a healthy backend, which is kept.</li>
 * <li>{@code newClient}: no cookie; the strategy picks a backend.</li>
 * <li>{@code clientOfDownBackend}: the cookie names backend 0, which a health check took
 * down; the client is reassigned by the strategy.</li>
 * </ul>
 * With {@code backends} 2 and 100. In the last case backend 0 is down, so new clients of
 * the 2-backend pool all go to backend 1.
 *
 * @author smart-stick
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class StickyBackendSelectorBenchmark {

	/**
	 * Number of backends.
	 */
	@Param({ "2", "100" })
	public int backends;

	private final Set<Backend> excluded = Set.of();

	private StickyBackendSelector selector;

	private StickyBackendSelector degradedSelector;

	private String stickyCookie;

	private String downCookie;

	/**
	 * Build two selectors as the auto-configuration does: one over healthy backends, one
	 * whose backend 0 is down.
	 */
	@Setup
	public void setUp() {
		this.selector = selector(null);
		this.degradedSelector = selector(0);
		StickyCookieCodec codec = new StickyCookieCodec(null);
		this.stickyCookie = codec.encode(this.selector.registry().find(this.backends - 1));
		this.downCookie = codec.encode(this.degradedSelector.registry().find(0));
		BenchmarkBackends.check(stickyClient().assignment() == Assignment.KEPT, "sticky client not kept");
		BenchmarkBackends.check(newClient().assignment() == Assignment.NEW, "new client not balanced");
		StickySelection reassigned = clientOfDownBackend();
		BenchmarkBackends.check(reassigned.assignment() == Assignment.REASSIGNED && reassigned.backend().id() != 0,
				"client of a down backend not reassigned");
	}

	private StickyBackendSelector selector(Integer downId) {
		SmartStickProperties properties = BenchmarkBackends.properties(this.backends);
		BackendRegistry registry = BenchmarkBackends.registry(properties);
		if (downId != null) {
			BenchmarkBackends.markDown(registry, downId);
		}
		return new StickyBackendSelector(registry, new StickyCookieCodec(properties.getSticky().getSecret()),
				BenchmarkBackends.strategies().get(properties.getStrategy()),
				properties.getSticky().getFailover() == SmartStickProperties.Sticky.Failover.STRICT);
	}

	@Benchmark
	public StickySelection stickyClient() {
		return this.selector.select(this.stickyCookie, this.excluded);
	}

	@Benchmark
	public StickySelection newClient() {
		return this.selector.select(null, this.excluded);
	}

	@Benchmark
	public StickySelection clientOfDownBackend() {
		return this.degradedSelector.select(this.downCookie, this.excluded);
	}

}
