package io.smartstick.balancer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static io.smartstick.test.Backends.backend;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LeastConnectionsBalancingStrategy}.
 */
class LeastConnectionsBalancingStrategyTests {

	private final LeastConnectionsBalancingStrategy strategy = new LeastConnectionsBalancingStrategy();

	@Test
	void nameIsLeastConnections() {
		assertThat(this.strategy.name()).isEqualTo("least-connections");
	}

	@Test
	void picksTheBackendWithFewestActiveConnectionsWhereverItIsInTheList() {
		Backend busy = withActive(backend(0), 5);
		Backend idle = withActive(backend(1), 1);
		Backend busier = withActive(backend(2), 7);
		List<Backend> candidates = List.of(busy, idle, busier);
		// every rotation offset must still find the least busy one
		for (int i = 0; i < 9; i++) {
			assertThat(this.strategy.choose(candidates)).as("pick %d", i).isSameAs(idle);
		}
	}

	@Test
	void activeConnectionsAreWeighedAgainstWeight() {
		// 3 active over weight 2 is 1.5 per unit of weight, less than 2 active over weight 1
		Backend heavy = withActive(backend(0, 2), 3);
		Backend light = withActive(backend(1, 1), 2);
		for (int i = 0; i < 4; i++) {
			assertThat(this.strategy.choose(List.of(light, heavy))).as("pick %d", i).isSameAs(heavy);
			assertThat(this.strategy.choose(List.of(heavy, light))).as("pick %d", i).isSameAs(heavy);
		}
	}

	@Test
	void completedExchangesNoLongerCount() {
		Backend a = withActive(backend(0), 3);
		Backend b = withActive(backend(1), 2);
		assertThat(this.strategy.choose(List.of(a, b))).isSameAs(b);
		a.completed();
		a.completed();
		a.completed();
		assertThat(a.activeConnections()).isZero();
		assertThat(this.strategy.choose(List.of(a, b))).isSameAs(a);
		assertThat(this.strategy.choose(List.of(a, b))).isSameAs(a);
	}

	@Test
	void tiesRotateOverEveryBackend() {
		List<Backend> candidates = List.of(backend(0), backend(1), backend(2), backend(3));
		Set<Backend> chosen = new HashSet<>();
		Backend previous = null;
		for (int i = 0; i < candidates.size(); i++) {
			Backend pick = this.strategy.choose(candidates);
			assertThat(pick).as("pick %d", i).isNotSameAs(previous);
			chosen.add(pick);
			previous = pick;
		}
		assertThat(chosen).containsExactlyInAnyOrderElementsOf(candidates);
	}

	@Test
	void largePoolsNeverSendANewClientToTheMostLoadedBackend() {
		List<Backend> candidates = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			candidates.add(withActive(backend(i), (i == 42) ? 50 : i % 3));
		}
		Set<Backend> chosen = new HashSet<>();
		for (int i = 0; i < 5000; i++) {
			Backend pick = this.strategy.choose(candidates);
			assertThat(pick.id()).as("pick %d", i).isNotEqualTo(42);
			chosen.add(pick);
		}
		// two random choices still reach backends beyond the least loaded ones
		assertThat(chosen).hasSizeGreaterThan(50);
	}

	@Test
	void largePoolsFavourTheLessLoaded() {
		List<Backend> candidates = new ArrayList<>();
		for (int i = 0; i < 64; i++) {
			candidates.add(withActive(backend(i), (i < 32) ? 0 : 10));
		}
		int idle = 0;
		for (int i = 0; i < 4000; i++) {
			if (this.strategy.choose(candidates).id() < 32) {
				idle++;
			}
		}
		// an idle backend wins unless both draws are busy: about 3 in 4 picks
		assertThat(idle).isBetween(2700, 3300);
	}

	@Test
	void emptyCandidateListGivesNull() {
		assertThat(this.strategy.choose(List.of())).isNull();
	}

	private static Backend withActive(Backend backend, int active) {
		for (int i = 0; i < active; i++) {
			backend.started();
		}
		assertThat(backend.activeConnections()).isEqualTo(active);
		return backend;
	}

}
