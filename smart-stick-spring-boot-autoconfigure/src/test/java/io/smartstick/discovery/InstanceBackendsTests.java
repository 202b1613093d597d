package io.smartstick.discovery;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.smartstick.balancer.Backend;
import io.smartstick.test.Backends;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.DefaultServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InstanceBackends}.
 */
class InstanceBackendsTests {

	private final DiscoverySettings settings = new DiscoverySettings("default", "shop", "smartstick",
			Duration.ofSeconds(30), Backends.DEFAULT_HEALTH, true);

	private final InstanceBackends backends = new InstanceBackends(this.settings);

	@Test
	void keyIsStableAcrossLoadBalancersAndRevealsNoAddress() {
		DefaultServiceInstance instance = instance("shop-1", "10.0.0.5", 8080, Map.of());
		String key = this.backends.backend(instance).idValue();
		assertThat(new InstanceBackends(this.settings).backend(instance).idValue()).isEqualTo(key);
		assertThat(key).startsWith("i").doesNotContain("10.0.0.5").doesNotContain("8080");
		assertThat(this.backends.backend(instance("shop-2", "10.0.0.5", 8080, Map.of())).idValue())
			.isNotEqualTo(key);
	}

	@Test
	void keyFallsBackToHostAndPortWithoutInstanceId() {
		String key = this.backends.backend(instance(null, "10.0.0.5", 8080, Map.of())).idValue();
		assertThat(this.backends.backend(instance(null, "10.0.0.5", 8080, Map.of())).idValue()).isEqualTo(key);
		assertThat(this.backends.backend(instance(null, "10.0.0.5", 8081, Map.of())).idValue()).isNotEqualTo(key);
	}

	@Test
	void weightComesFromSmartStickWeightThenWeight() {
		assertThat(this.backends.backend(instance("a", "h", 1, Map.of("smartstick.weight", "4", "weight", "2")))
			.weight()).isEqualTo(4);
		assertThat(this.backends.backend(instance("b", "h", 1, Map.of("weight", "2"))).weight()).isEqualTo(2);
		assertThat(this.backends.backend(instance("c", "h", 1, Map.of())).weight()).isEqualTo(1);
		assertThat(this.backends.backend(instance("d", "h", 1, Map.of("weight", "heavy"))).weight()).isEqualTo(1);
	}

	@Test
	void healthPathAndOwnerComeFromMetadata() {
		Backend backend = this.backends.backend(
				instance("a", "h", 1, Map.of("smartstick.health-path", "/ready", "smartstick.owner", "ops@x.org")));
		assertThat(backend.healthSettings().path()).isEqualTo("/ready");
		assertThat(backend.owner()).isEqualTo("ops@x.org");
	}

	@Test
	void instancesReportedNotServingTakeNoNewClients() {
		assertThat(this.backends.backend(instance("a", "h", 1, Map.of("instance_status", "OUT_OF_SERVICE")))
			.serving()).isFalse();
		assertThat(this.backends.backend(instance("b", "h", 1, Map.of("status", "down"))).serving()).isFalse();
		assertThat(this.backends.backend(instance("c", "h", 1, Map.of("ready", "false"))).serving()).isFalse();
		assertThat(this.backends.backend(instance("d", "h", 1, Map.of("instance_status", "UP"))).serving()).isTrue();
	}

	@Test
	void idsOfGoneInstancesAreReused() {
		Backend first = this.backends.backend(instance("a", "h", 1, Map.of()));
		Backend second = this.backends.backend(instance("b", "h", 1, Map.of()));
		assertThat(this.backends.backend(instance("a", "h", 1, Map.of())).id()).isEqualTo(first.id());
		this.backends.retain(Set.of(second.idValue()));
		assertThat(this.backends.backend(instance("c", "h", 1, Map.of())).id()).isEqualTo(first.id());
	}

	private static DefaultServiceInstance instance(String id, String host, int port, Map<String, String> metadata) {
		return new DefaultServiceInstance(id, "shop", host, port, false, metadata);
	}

}
