package io.smartstick.balancer;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static io.smartstick.test.Backends.DEFAULT_HEALTH;
import static io.smartstick.test.Backends.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link BackendRegistry#replaceBackends(List, boolean)}.
 */
class BackendRegistryMembershipTests {

	private final List<MembershipChange> changes = new ArrayList<>();

	private final Backend zero = backend(0);

	private final Backend one = backend(1);

	private final BackendRegistry registry = new BackendRegistry(List.of(this.zero, this.one), (change) -> {
	}, (change) -> {
	}, this.changes::add);

	@Test
	void sameListChangesNothingAndTellsNoOne() {
		MembershipChange change = this.registry.replaceBackends(List.of(backend(0), backend(1)), true);
		assertThat(change.isEmpty()).isTrue();
		assertThat(this.changes).isEmpty();
		assertThat(this.registry.all()).containsExactly(this.zero, this.one);
	}

	@Test
	void addedBackendWaitsForItsFirstCheckWhenAsked() {
		Backend two = backend(2);
		MembershipChange change = this.registry.replaceBackends(List.of(backend(0), backend(1), two), true);
		assertThat(change.added()).containsExactly(two);
		assertThat(this.registry.all()).containsExactly(this.zero, this.one, two);
		assertThat(this.registry.find(2)).isSameAs(two);
		assertThat(this.registry.available()).containsExactly(this.zero, this.one);
		assertThat(two.health()).isEqualTo(BackendHealth.AWAITING_CHECK);
		this.registry.updateHealth(two, true, "HTTP 200 from /", java.time.Instant.now());
		assertThat(this.registry.available()).containsExactly(this.zero, this.one, two);
		assertThat(this.changes).containsExactly(change);
	}

	@Test
	void addedBackendTakesClientsAtOnceWhenNotChecked() {
		Backend two = backend(2);
		this.registry.replaceBackends(List.of(backend(0), backend(1), two), false);
		assertThat(this.registry.available()).containsExactly(this.zero, this.one, two);
	}

	@Test
	void removedBackendLeavesTheSnapshotAndIsMarked() {
		MembershipChange change = this.registry.replaceBackends(List.of(backend(0)), true);
		assertThat(change.removed()).containsExactly(this.one);
		assertThat(this.registry.all()).containsExactly(this.zero);
		assertThat(this.registry.find(1)).isNull();
		assertThat(this.one.removed()).isTrue();
		assertThat(this.one.retired()).isFalse();
	}

	@Test
	void reweightedBackendStaysTheSameObjectWithItsCounters() {
		this.one.started();
		MembershipChange change = this.registry.replaceBackends(List.of(backend(0), backend(1, 5)), true);
		assertThat(change.updated()).containsExactly(this.one);
		assertThat(this.registry.find(1)).isSameAs(this.one);
		assertThat(this.one.weight()).isEqualTo(5);
		assertThat(this.one.activeConnections()).isEqualTo(1);
		assertThat(this.one.isHealthy()).isTrue();
	}

	@Test
	void reweightingToZeroTakesTheBackendOutOfAvailable() {
		this.registry.replaceBackends(List.of(backend(0), backend(1, 0)), true);
		assertThat(this.registry.available()).containsExactly(this.zero);
	}

	@Test
	void sameIdAtAnotherUrlReplacesTheBackend() {
		Backend moved = new Backend("svc", 1, URI.create("http://127.0.0.1:6001"), 1, null, DEFAULT_HEALTH);
		MembershipChange change = this.registry.replaceBackends(List.of(backend(0), moved), true);
		assertThat(change.removed()).containsExactly(this.one);
		assertThat(change.added()).containsExactly(moved);
		assertThat(this.registry.find(1)).isSameAs(moved);
	}

	@Test
	void backendNotServingTakesNoNewClients() {
		this.registry.replaceBackends(List.of(backend(0), backend(1).serving(false)), true);
		assertThat(this.one.serving()).isFalse();
		assertThat(this.one.keepsClients()).isTrue();
		assertThat(this.registry.available()).containsExactly(this.zero);
	}

	@Test
	void keyedBackendsAreFoundByKey() {
		Backend keyed = new Backend("default", "svc", 7, "iAbc", URI.create("http://127.0.0.1:6007"), 1, null,
				DEFAULT_HEALTH, AdminState.READY);
		this.registry.replaceBackends(List.of(keyed), false);
		assertThat(this.registry.find("iAbc")).isSameAs(keyed);
		assertThat(keyed.idValue()).isEqualTo("iAbc");
		assertThat(keyed.hasNumericKey()).isFalse();
	}

	@Test
	void healthOfARemovedBackendIsNotReported() {
		List<BackendStateChange> health = new ArrayList<>();
		BackendRegistry registry = new BackendRegistry(List.of(this.zero, this.one), health::add);
		registry.replaceBackends(List.of(backend(0)), true);
		assertThat(registry.updateHealth(this.one, false, "down", java.time.Instant.now())).isFalse();
		assertThat(health).isEmpty();
	}

	@Test
	void duplicateIdsAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.registry.replaceBackends(List.of(backend(0), backend(0)), true));
		assertThat(this.registry.all()).containsExactly(this.zero, this.one);
	}

	@Test
	void retireRunsTheActionsOnceAndLaterOnesAtOnce() {
		List<String> ran = new ArrayList<>();
		Runnable forgotten = () -> ran.add("forgotten");
		this.one.whenRetired(() -> ran.add("tunnel"));
		this.one.whenRetired(forgotten);
		this.one.forgetRetireAction(forgotten);
		assertThat(this.one.retire()).isEqualTo(1);
		assertThat(this.one.retire()).isZero();
		this.one.whenRetired(() -> ran.add("late"));
		assertThat(ran).containsExactly("tunnel", "late");
	}

}
