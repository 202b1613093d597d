package io.smartstick.balancer;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static io.smartstick.test.Backends.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link RandomBalancingStrategy}.
 */
class RandomBalancingStrategyTests {

	private final RandomBalancingStrategy strategy = new RandomBalancingStrategy();

	@Test
	void nameIsRandom() {
		assertThat(this.strategy.name()).isEqualTo("random");
	}

	@Test
	void weightsThreeToOneGiveSharesWithinTwoPercentagePointsOf75And25() {
		Backend heavy = backend(0, 3);
		Backend light = backend(1, 1);
		List<Backend> candidates = List.of(heavy, light);
		int picks = 40_000;
		int heavyPicks = 0;
		for (int i = 0; i < picks; i++) {
			Backend pick = this.strategy.choose(candidates);
			assertThat(pick).isIn(heavy, light);
			if (pick == heavy) {
				heavyPicks++;
			}
		}
		// one standard deviation is about 0.22 points, so +/- 2 points fails only when broken
		double heavyShare = 100.0 * heavyPicks / picks;
		assertThat(heavyShare).isCloseTo(75.0, within(2.0));
		assertThat(100.0 - heavyShare).isCloseTo(25.0, within(2.0));
	}

	@Test
	void everyBackendOfWeightOneGetsPicked() {
		List<Backend> candidates = List.of(backend(0), backend(1), backend(2), backend(3), backend(4));
		Set<Backend> chosen = new HashSet<>();
		for (int i = 0; i < 2_000; i++) {
			chosen.add(this.strategy.choose(candidates));
		}
		assertThat(chosen).containsExactlyInAnyOrderElementsOf(candidates);
	}

	@Test
	void singleCandidateIsAlwaysChosen() {
		Backend only = backend(7, 4);
		for (int i = 0; i < 100; i++) {
			assertThat(this.strategy.choose(List.of(only))).isSameAs(only);
		}
	}

	@Test
	void newCandidateListTakesEffectAtOnce() {
		Backend a = backend(0);
		Backend b = backend(1);
		this.strategy.choose(List.of(a, b));
		for (int i = 0; i < 100; i++) {
			assertThat(this.strategy.choose(List.of(b))).isSameAs(b);
		}
	}

	@Test
	void emptyCandidateListGivesNull() {
		assertThat(this.strategy.choose(List.of())).isNull();
	}

}
