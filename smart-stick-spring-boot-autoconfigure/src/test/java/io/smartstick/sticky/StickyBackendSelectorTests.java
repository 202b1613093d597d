package io.smartstick.sticky;

import java.time.Instant;
import java.util.List;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.BalancingStrategy;
import io.smartstick.balancer.RoundRobinBalancingStrategy;
import io.smartstick.observe.Assignment;
import org.junit.jupiter.api.Test;

import static io.smartstick.test.Backends.backend;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StickyBackendSelector}.
 */
class StickyBackendSelectorTests {

	private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

	private final Backend zero = backend(0);

	private final Backend one = backend(1);

	private final Backend drained = backend(2, 0);

	private final BackendRegistry registry = new BackendRegistry(List.of(this.zero, this.one, this.drained),
			(change) -> {
			});

	private final BalancingStrategy strategy = new RoundRobinBalancingStrategy();

	private final StickyBackendSelector selector = new StickyBackendSelector(this.registry, new StickyCookieCodec(null),
			this.strategy);

	@Test
	void drainedBackendKeepsItsClientsButGetsNoNewOnes() {
		this.registry.updateAdminState(this.one, io.smartstick.balancer.AdminState.DRAIN);
		assertThat(this.selector.select("1").assignment()).isEqualTo(Assignment.KEPT);
		for (int i = 0; i < 6; i++) {
			assertThat(this.selector.select(null).backend()).isSameAs(this.zero);
		}
	}

	@Test
	void backendInMaintenanceLosesItsClientsToAHealthyOne() {
		this.registry.updateAdminState(this.one, io.smartstick.balancer.AdminState.MAINTENANCE);
		StickySelection selection = this.selector.select("1");
		assertThat(selection.assignment()).isEqualTo(Assignment.REASSIGNED);
		assertThat(selection.backend()).isSameAs(this.zero);
		this.registry.updateAdminState(this.one, io.smartstick.balancer.AdminState.READY);
		assertThat(this.selector.select("1").assignment()).isEqualTo(Assignment.KEPT);
	}

	@Test
	void strictPolicyRefusesClientsOfADownBackendButMovesThoseOfOneInMaintenance() {
		StickyBackendSelector strict = new StickyBackendSelector(this.registry, new StickyCookieCodec(null),
				this.strategy, true);
		this.registry.updateHealth(this.one, false, "test", NOW);
		assertThat(strict.select("1").assignment()).isEqualTo(Assignment.REFUSED);
		this.registry.updateHealth(this.one, true, "test", NOW);
		this.registry.updateAdminState(this.one, io.smartstick.balancer.AdminState.MAINTENANCE);
		assertThat(strict.select("1").assignment()).isEqualTo(Assignment.REASSIGNED);
	}

	@Test
	void cookieNamingAHealthyBackendKeepsIt() {
		for (int i = 0; i < 5; i++) {
			StickySelection selection = this.selector.select("1");
			assertThat(selection.backend()).isSameAs(this.one);
			assertThat(selection.assignment()).isEqualTo(Assignment.KEPT);
			assertThat(selection.assignment().issuesCookie()).isFalse();
		}
	}

	@Test
	void cookieNamingADrainedBackendKeepsIt() {
		StickySelection selection = this.selector.select("2");
		assertThat(selection.backend()).isSameAs(this.drained);
		assertThat(selection.assignment()).isEqualTo(Assignment.KEPT);
	}

	@Test
	void noCookieGivesANewAssignmentFromTheStrategy() {
		StickySelection first = this.selector.select(null);
		StickySelection second = this.selector.select(null);
		assertThat(first.assignment()).isEqualTo(Assignment.NEW);
		assertThat(first.assignment().issuesCookie()).isTrue();
		assertThat(second.assignment()).isEqualTo(Assignment.NEW);
		// round robin over the two available backends; the drained one gets no new clients
		assertThat(List.of(first.backend(), second.backend())).containsExactlyInAnyOrder(this.zero, this.one);
		assertThat(first.getServer()).isSameAs(first.backend());
		assertThat(first.hasServer()).isTrue();
	}

	@Test
	void cookieNamingADownBackendIsReassignedToAHealthyOne() {
		this.registry.updateHealth(this.one, false, "down", NOW);
		for (int i = 0; i < 5; i++) {
			StickySelection selection = this.selector.select("1");
			assertThat(selection.assignment()).isEqualTo(Assignment.REASSIGNED);
			assertThat(selection.assignment().issuesCookie()).isTrue();
			assertThat(selection.backend()).isSameAs(this.zero);
		}
	}

	@Test
	void clientOfARecoveredBackendIsKeptAgain() {
		this.registry.updateHealth(this.one, false, "down", NOW);
		this.registry.updateHealth(this.one, true, "up", NOW);
		assertThat(this.selector.select("1").assignment()).isEqualTo(Assignment.KEPT);
	}

	@Test
	void noAvailableBackendGivesNull() {
		this.registry.updateHealth(this.zero, false, "down", NOW);
		this.registry.updateHealth(this.one, false, "down", NOW);
		assertThat(this.selector.select(null)).isNull();
		assertThat(this.selector.select("1")).isNull();
		assertThat(this.selector.select("garbage")).isNull();
		// a sticky client of the drained, healthy backend is still served
		assertThat(this.selector.select("2").backend()).isSameAs(this.drained);
	}

	@Test
	void garbageCookieGivesANewAssignment() {
		for (String garbage : List.of("", "abc", "-1", "01", "1.x", "99", "1".repeat(100))) {
			StickySelection selection = this.selector.select(garbage);
			assertThat(selection).as("'%s'", garbage).isNotNull();
			assertThat(selection.assignment()).as("'%s'", garbage).isEqualTo(Assignment.NEW);
			assertThat(selection.backend()).as("'%s'", garbage).isIn(this.zero, this.one);
		}
	}

	@Test
	void signedCookieIsKeptOnlyWithAValidSignature() {
		StickyCookieCodec codec = new StickyCookieCodec("secret");
		StickyBackendSelector signed = new StickyBackendSelector(this.registry, codec, this.strategy);
		assertThat(signed.select(codec.encode(this.one)).assignment()).isEqualTo(Assignment.KEPT);
		assertThat(signed.select(codec.encode(this.one)).backend()).isSameAs(this.one);
		assertThat(signed.select("1").assignment()).isEqualTo(Assignment.NEW);
	}

	@Test
	void exposesItsStrategyAndRegistry() {
		assertThat(this.selector.strategy()).isSameAs(this.strategy);
		assertThat(this.selector.registry()).isSameAs(this.registry);
	}

}
