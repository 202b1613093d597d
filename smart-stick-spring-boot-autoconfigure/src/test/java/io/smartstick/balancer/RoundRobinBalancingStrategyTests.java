package io.smartstick.balancer;

import java.util.ArrayList;
import java.util.List;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import static io.smartstick.test.Backends.backend;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RoundRobinBalancingStrategy}.
 */
class RoundRobinBalancingStrategyTests {

	private final RoundRobinBalancingStrategy strategy = new RoundRobinBalancingStrategy();

	@Test
	void nameIsRoundRobin() {
		assertThat(this.strategy.name()).isEqualTo("round-robin");
	}

	@Test
	void weightsTwoToOneGiveTwoOfEveryThreeConsecutivePicksToTheHeavierBackend() {
		Backend a = backend(0, 2);
		Backend b = backend(1, 1);
		List<Backend> picks = picks(List.of(a, b), 60);
		for (int start = 0; start + 3 <= picks.size(); start++) {
			List<Backend> window = picks.subList(start, start + 3);
			assertThat(window).as("window at %d", start).filteredOn((backend) -> backend == a).hasSize(2);
			assertThat(window).as("window at %d", start).filteredOn((backend) -> backend == b).hasSize(1);
		}
	}

	@Test
	void weightsFiveOneOneGiveExactSharesPerCycleWithoutBursting() {
		Backend a = backend(0, 5);
		Backend b = backend(1, 1);
		Backend c = backend(2, 1);
		List<Backend> picks = picks(List.of(a, b, c), 7 * 50);
		for (int cycle = 0; cycle < 50; cycle++) {
			List<Backend> window = picks.subList(cycle * 7, cycle * 7 + 7);
			assertThat(window).as("cycle %d", cycle).filteredOn((backend) -> backend == a).hasSize(5);
			assertThat(window).as("cycle %d", cycle).filteredOn((backend) -> backend == b).hasSize(1);
			assertThat(window).as("cycle %d", cycle).filteredOn((backend) -> backend == c).hasSize(1);
		}
		// smooth order is A A B A C A A: the heavy backend never gets its whole share in one burst
		assertThat(longestRun(picks, a)).isLessThan(5);
	}

	@Test
	void equalWeightsRotateStrictly() {
		List<Backend> backends = List.of(backend(0), backend(1), backend(2));
		List<Backend> picks = picks(backends, 30);
		for (int i = 0; i < picks.size(); i++) {
			assertThat(picks.get(i)).as("pick %d", i).isNotSameAs(picks.get((i + 1) % picks.size()));
			if (i >= 3) {
				assertThat(picks.get(i)).as("pick %d", i).isSameAs(picks.get(i - 3));
			}
		}
		assertThat(picks.subList(0, 3)).containsExactlyInAnyOrderElementsOf(backends);
	}

	@Test
	void newCandidateListTakesEffectAtOnce() {
		Backend a = backend(0);
		Backend b = backend(1);
		Backend c = backend(2);
		picks(List.of(a, b), 3);
		List<Backend> afterChange = picks(List.of(c), 5);
		assertThat(afterChange).containsOnly(c);
		List<Backend> afterSecondChange = picks(List.of(a, c), 6);
		assertThat(afterSecondChange).filteredOn((backend) -> backend == a).hasSize(3);
		assertThat(afterSecondChange).filteredOn((backend) -> backend == c).hasSize(3);
		assertThat(afterSecondChange).doesNotContain(b);
	}

	@Test
	void emptyCandidateListGivesNull() {
		assertThat(this.strategy.choose(List.of())).isNull();
	}

	@Test
	void hugeWeightsKeepTheirProportionApproximatelyWithoutStarvingTheLightBackend() {
		Backend heavy = backend(0, 1_000_000);
		Backend light = backend(1, 1);
		List<Backend> picks = picks(List.of(heavy, light), 100_000);
		long lightPicks = picks.stream().filter((backend) -> backend == light).count();
		// exactly 1 in 1,000,001 is 0.1 picks; the schedule may scale it to about 1 in 8,192, but
		// a backend with a positive weight must still be picked now and then
		assertThat(lightPicks).isBetween(1L, 25L);
		assertThat(picks).filteredOn((backend) -> backend == heavy).hasSize(100_000 - (int) lightPicks);
	}

	@Test
	void aThousandEqualBackendsAreVisitedInTheirOrder() {
		List<Backend> candidates = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			candidates.add(backend(i, 1));
		}
		assertThat(picks(candidates, 2000)).containsExactlyElementsOf(twice(candidates));
	}

	@Test
	void aLargePoolOfMixedWeightsGetsExactSharesPerCycleSpreadEvenly() {
		// 1,000 backends of weights 1 to 4: beyond the size where nginx's algorithm is used
		List<Backend> candidates = new ArrayList<>();
		int total = 0;
		for (int i = 0; i < 1000; i++) {
			candidates.add(backend(i, 1 + i % 4));
			total += 1 + i % 4;
		}
		List<Backend> picks = picks(candidates, total);
		int[] seen = new int[candidates.size()];
		for (int step = 0; step < total; step++) {
			seen[picks.get(step).id()]++;
			for (Backend backend : List.of(candidates.get(0), candidates.get(3), candidates.get(997))) {
				double share = (step + 1) * (double) backend.weight() / total;
				assertThat((double) seen[backend.id()]).as("picks of %s after %d", backend, step + 1)
					.isCloseTo(share, Offset.offset(1.0));
			}
		}
		for (Backend backend : candidates) {
			assertThat(seen[backend.id()]).as("picks of %s in one cycle", backend).isEqualTo(backend.weight());
		}
	}

	private static List<Backend> twice(List<Backend> candidates) {
		List<Backend> both = new ArrayList<>(candidates);
		both.addAll(candidates);
		return both;
	}

	private List<Backend> picks(List<Backend> candidates, int count) {
		List<Backend> picks = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			picks.add(this.strategy.choose(candidates));
		}
		return picks;
	}

	private static int longestRun(List<Backend> picks, Backend backend) {
		int longest = 0;
		int run = 0;
		for (Backend pick : picks) {
			run = (pick == backend) ? run + 1 : 0;
			longest = Math.max(longest, run);
		}
		return longest;
	}

}
