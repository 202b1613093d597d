package io.smartstick.balancer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static io.smartstick.test.Backends.backend;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BackendRegistry}.
 */
class BackendRegistryTests {

	private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

	private final List<BackendStateChange> changes = new ArrayList<>();

	private final Backend first = backend(0);

	private final Backend second = backend(1, 3);

	private final Backend drained = backend(2, 0);

	private final BackendRegistry registry = new BackendRegistry(List.of(this.first, this.second, this.drained),
			this.changes::add);

	@Test
	void allListsEveryBackendInConfigurationOrder() {
		assertThat(this.registry.all()).containsExactly(this.first, this.second, this.drained);
	}

	@Test
	void availableHoldsHealthyBackendsWithPositiveWeightOnly() {
		assertThat(this.registry.available()).containsExactly(this.first, this.second);
	}

	@Test
	void availableIsTheSameInstanceUntilThePoolChanges() {
		List<Backend> before = this.registry.available();
		assertThat(this.registry.available()).isSameAs(before);
		this.registry.updateHealth(this.first, true, "still fine", NOW);
		assertThat(this.registry.available()).isSameAs(before);
		this.registry.updateHealth(this.first, false, "down", NOW);
		assertThat(this.registry.available()).isNotSameAs(before);
	}

	@Test
	void backendGoingDownLeavesAvailableAndComesBackWhenHealthyAgain() {
		assertThat(this.registry.updateHealth(this.second, false, "HTTP 503 from /", NOW)).isTrue();
		assertThat(this.registry.available()).containsExactly(this.first);
		assertThat(this.second.isHealthy()).isFalse();
		assertThat(this.second.health().cause()).isEqualTo("HTTP 503 from /");
		assertThat(this.second.health().lastChecked()).isEqualTo(NOW);
		assertThat(this.registry.updateHealth(this.second, true, "HTTP 200 from /", NOW)).isTrue();
		assertThat(this.registry.available()).containsExactly(this.first, this.second);
	}

	@Test
	void drainedBackendNeverBecomesAvailable() {
		this.registry.updateHealth(this.drained, false, "down", NOW);
		this.registry.updateHealth(this.drained, true, "up", NOW);
		assertThat(this.drained.isHealthy()).isTrue();
		assertThat(this.registry.available()).doesNotContain(this.drained);
	}

	@Test
	void listenerIsToldOncePerTransition() {
		this.registry.updateHealth(this.first, false, "timeout", NOW);
		assertThat(this.changes).singleElement().satisfies((change) -> {
			assertThat(change.backend()).isSameAs(this.first);
			assertThat(change.wasHealthy()).isTrue();
			assertThat(change.healthy()).isFalse();
			assertThat(change.cause()).isEqualTo("timeout");
			assertThat(change.time()).isEqualTo(NOW);
		});
		this.registry.updateHealth(this.first, true, "HTTP 200 from /", NOW.plusSeconds(10));
		assertThat(this.changes).hasSize(2);
		assertThat(this.changes.get(1).wasHealthy()).isFalse();
		assertThat(this.changes.get(1).healthy()).isTrue();
	}

	@Test
	void listenerIsNotToldWhenTheStateStaysTheSame() {
		assertThat(this.registry.updateHealth(this.first, true, "HTTP 200 from /", NOW)).isFalse();
		this.registry.updateHealth(this.second, false, "down", NOW);
		this.changes.clear();
		assertThat(this.registry.updateHealth(this.second, false, "still down", NOW.plusSeconds(10))).isFalse();
		assertThat(this.registry.updateHealth(this.second, false, "still down", NOW.plusSeconds(20))).isFalse();
		assertThat(this.changes).isEmpty();
		// the latest result is still recorded
		assertThat(this.second.health().lastChecked()).isEqualTo(NOW.plusSeconds(20));
	}

	@Test
	void findLooksUpSmallIds() {
		assertThat(this.registry.find(0)).isSameAs(this.first);
		assertThat(this.registry.find(1)).isSameAs(this.second);
		assertThat(this.registry.find(2)).isSameAs(this.drained);
		assertThat(this.registry.find(3)).isNull();
		assertThat(this.registry.find(-1)).isNull();
		assertThat(this.registry.find(Integer.MIN_VALUE)).isNull();
		assertThat(this.registry.find(Integer.MAX_VALUE)).isNull();
	}

	@Test
	void findLooksUpSparseLargeIds() {
		Backend zero = backend(0);
		Backend seven = backend(7);
		Backend huge = backend(2_000_000_000);
		BackendRegistry sparse = new BackendRegistry(List.of(huge, zero, seven), (change) -> {
		});
		assertThat(sparse.find(0)).isSameAs(zero);
		assertThat(sparse.find(7)).isSameAs(seven);
		assertThat(sparse.find(2_000_000_000)).isSameAs(huge);
		assertThat(sparse.find(1)).isNull();
		assertThat(sparse.find(8)).isNull();
		assertThat(sparse.find(1_999_999_999)).isNull();
		assertThat(sparse.find(Integer.MAX_VALUE)).isNull();
		assertThat(sparse.find(-1)).isNull();
		assertThat(sparse.all()).containsExactly(huge, zero, seven);
	}

	@Test
	void findStillWorksAfterThePoolIsRebuilt() {
		Backend huge = backend(2_000_000_000);
		BackendRegistry sparse = new BackendRegistry(List.of(huge, backend(3)), (change) -> {
		});
		sparse.updateHealth(huge, false, "down", NOW);
		assertThat(sparse.find(2_000_000_000)).isSameAs(huge);
		assertThat(sparse.available()).extracting(Backend::id).containsExactly(3);
	}

}
