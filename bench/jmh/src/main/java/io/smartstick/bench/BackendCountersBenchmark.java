package io.smartstick.bench;

import java.util.concurrent.TimeUnit;

import io.smartstick.balancer.Backend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The per-request bookkeeping on a backend: {@link Backend#started()} (one request more,
 * one connection more in flight) when the sticky session filter counts the exchange, and
 * {@link Backend#completed()} when the exchange ends; the pair a proxied request costs.
 * The package-private {@code InFlight} that wraps the pair in production (allocated per
 * exchange, with two {@code System.nanoTime()} calls) cannot be called from here and is
 * not included.
 * <ul>
 * <li>{@code exchange}: one thread, uncontended.</li>
 * <li>{@code exchangeContended}: two threads on the same backend, as when two event loops
 * serve clients of one backend; both fight over its counters' cache lines.</li>
 * <li>{@code exchangeOwnBackend}: two threads, each on its own backend: the two-thread
 * baseline without sharing.</li>
 * </ul>
 * The two-thread cases only show contention when the JVM has two cores: run them with
 * {@code JMH_CPUS=0,1} (see bench/README.md). Pinned to one core, the threads take turns
 * and each operation looks about twice as slow.
 *
 * @author smart-stick
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class BackendCountersBenchmark {

	private Backend shared;

	/**
	 * Build the shared backend.
	 */
	@Setup
	public void setUp() {
		this.shared = BenchmarkBackends.registry(BenchmarkBackends.properties(1)).find(0);
	}

	// started() and completed() write shared atomics, so the JIT cannot drop them

	@Benchmark
	@Threads(1)
	public void exchange() {
		this.shared.started();
		this.shared.completed();
	}

	@Benchmark
	@Threads(2)
	public void exchangeContended() {
		this.shared.started();
		this.shared.completed();
	}

	@Benchmark
	@Threads(2)
	public void exchangeOwnBackend(OwnBackend own) {
		own.backend.started();
		own.backend.completed();
	}

	/**
	 * A backend of the benchmark thread's own.
	 */
	@State(Scope.Thread)
	public static class OwnBackend {

		Backend backend;

		/**
		 * Build the thread's backend.
		 */
		@Setup
		public void setUp() {
			this.backend = BenchmarkBackends.registry(BenchmarkBackends.properties(1)).find(0);
		}

	}

}
