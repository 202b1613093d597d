package io.smartstick.dashboard;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.smartstick.balancer.AdminState;
import io.smartstick.balancer.AdminStateChange;
import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.HealthSettings;
import io.smartstick.balancer.Pool;
import io.smartstick.balancer.Pools;
import io.smartstick.health.BackendAddedEvent;
import io.smartstick.health.BackendAdminStateChangedEvent;
import io.smartstick.health.BackendRemovedEvent;
import io.smartstick.observe.ExchangeOutcome;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the sampler sends: states on their way (rise and fall), traffic figures, admin
 * changes at once, and no user info of a backend's URL.
 */
class DashboardSamplerTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final HealthSettings settings = new HealthSettings("/health", "GET", "http-status", Duration.ofSeconds(2),
			Map.of("X-Token", "secret-header-value"), null, 2, 3);

	private final Backend backend = new Backend("default", "svc", 0, URI.create("http://user:password@127.0.0.1:5000"),
			1, "owner@example.com", this.settings, AdminState.READY);

	private final BackendRegistry registry = new BackendRegistry(List.of(this.backend), (change) -> {
	});

	private final Pools pools = new Pools(List.of(new Pool("default", this.registry, "round-robin")));

	private final TrafficRecorder traffic = new TrafficRecorder(this.pools);

	private final StateChanges changes = new StateChanges(Clock.systemUTC());

	private final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();

	private final DashboardSampler sampler = new DashboardSampler(this.pools, this.traffic, this.changes,
			() -> DashboardWrites.denied("read-only"), new DashboardStream(Duration.ofSeconds(30)), Duration.ofSeconds(1),
			this.scheduler);

	@Test
	void snapshotShowsNoSecret() {
		String snapshot = this.sampler.snapshot();
		JsonNode backend = mapper.readTree(snapshot).get("pools").get(0).get("backends").get(0);
		assertThat(backend.get("url").asString()).isEqualTo("http://127.0.0.1:5000");
		assertThat(snapshot).doesNotContain("password")
			.doesNotContain("secret-header-value")
			.doesNotContain("X-Token")
			.doesNotContain("owner@example.com");
	}

	@Test
	void backendIsGoingDownWhileFailedChecksCountTowardsFall() {
		this.traffic.healthChecked(this.backend, false, 1_000_000);
		JsonNode backend = backend(this.sampler.snapshot());
		assertThat(backend.get("state").asString()).isEqualTo("GOING_DOWN");
		assertThat(backend.get("progress").asString()).isEqualTo("1/3");
		assertThat(backend.get("check").get("passed").asBoolean()).isFalse();
		assertThat(backend.get("check").get("latency").asDouble()).isEqualTo(1.0);
	}

	@Test
	void backendIsComingUpWhilePassedChecksCountTowardsRise() {
		this.registry.updateHealth(this.backend, false, "connection refused", Instant.now());
		assertThat(backend(this.sampler.snapshot()).get("state").asString()).isEqualTo("DOWN");
		this.traffic.healthChecked(this.backend, true, 1_000_000);
		JsonNode backend = backend(this.sampler.snapshot());
		assertThat(backend.get("state").asString()).isEqualTo("COMING_UP");
		assertThat(backend.get("progress").asString()).isEqualTo("1/2");
	}

	@Test
	void samplesGiveRatesLatencyAndErrorsOfTheLastMinute() {
		List<String> updates = new ArrayList<>();
		Disposable subscription = data(this.sampler.events()).skip(1).subscribe(updates::add);
		try {
			this.sampler.tick();
			for (int i = 0; i < 10; i++) {
				this.backend.started();
				this.backend.completed();
				this.traffic.exchangeEnded(this.backend, (i == 0) ? 502 : 200, ExchangeOutcome.COMPLETED, 4_000_000);
			}
			this.traffic.exchangeEnded(this.backend, 0, ExchangeOutcome.CANCELLED, 90_000_000_000L);
			this.sampler.tick();
		}
		finally {
			subscription.dispose();
		}
		assertThat(updates).hasSize(2);
		JsonNode backend = backend(updates.get(1));
		assertThat(backend.get("rps").asDouble()).isPositive();
		assertThat(backend.get("p50").asDouble()).isBetween(3.5, 4.5);
		// the cancelled exchange counts neither as latency nor as an error
		assertThat(backend.get("p99").asDouble()).isBetween(3.5, 4.5);
		assertThat(backend.get("errorRate").asDouble()).isEqualTo(0.1);
		assertThat(backend.get("point")).hasSize(3);
	}

	@Test
	void adminChangesOfATenthOfASecondAreSentInOneUpdateWithoutWaitingForASample() {
		List<String> updates = new ArrayList<>();
		Disposable subscription = data(this.sampler.events()).skip(1).subscribe(updates::add);
		try {
			this.registry.updateAdminState(this.backend, AdminState.MAINTENANCE);
			this.changes.onApplicationEvent(new BackendAdminStateChangedEvent(this.backend,
					new AdminStateChange(this.backend, AdminState.READY, AdminState.MAINTENANCE)));
			this.scheduler.advanceTimeBy(Duration.ofMillis(50));
			// a second change within the first one's 100 ms: the same update carries both
			this.registry.updateAdminState(this.backend, AdminState.DRAIN);
			this.changes.onApplicationEvent(new BackendAdminStateChangedEvent(this.backend,
					new AdminStateChange(this.backend, AdminState.MAINTENANCE, AdminState.DRAIN)));
			assertThat(updates).isEmpty();
			this.scheduler.advanceTimeBy(Duration.ofMillis(50));
		}
		finally {
			subscription.dispose();
		}
		assertThat(updates).hasSize(1);
		JsonNode update = mapper.readTree(updates.get(0));
		JsonNode backend = update.get("pools").get(0).get("backends").get(0);
		assertThat(backend.get("state").asString()).isEqualTo("DRAINING");
		assertThat(backend.get("cause").asString()).isEqualTo("admin state set to drain");
		assertThat(backend.get("point").isNull()).isTrue();
		JsonNode change = update.get("changes").get(0);
		assertThat(change.get("from").asString()).isEqualTo("maintenance");
		assertThat(change.get("to").asString()).isEqualTo("drain");
	}

	@Test
	void backendsAddedAndRemovedWhileRunningComeAndGoOnThePage() {
		Backend added = new Backend("default", "svc", 1, URI.create("http://127.0.0.1:5001"), 1, null, this.settings,
				AdminState.READY);
		this.registry.replaceBackends(List.of(added), true);
		this.changes.onApplicationEvent(new BackendRemovedEvent(this.registry, this.backend));
		this.changes.onApplicationEvent(new BackendAddedEvent(this.registry, added));
		this.traffic.exchangeEnded(added, 200, ExchangeOutcome.COMPLETED, 2_000_000);
		// the removed backend's last request ends after its removal
		this.traffic.exchangeEnded(this.backend, 200, ExchangeOutcome.COMPLETED, 2_000_000);
		this.sampler.tick();
		JsonNode update = mapper.readTree(this.sampler.snapshot());
		JsonNode backends = update.get("pools").get(0).get("backends");
		assertThat(backends).singleElement().satisfies((backend) -> {
			assertThat(backend.get("id").asInt()).isEqualTo(1);
			assertThat(backend.get("history")).isNotNull();
		});
		assertThat(update.get("changes").get(0).get("to").asString()).isEqualTo("COMING_UP");
		assertThat(update.get("changes").get(1).get("to").asString()).isEqualTo("REMOVED");
		assertThat(this.traffic.traffic(added)).isNotNull();
	}

	/**
	 * Take each event as a server would, and return its data.
	 */
	static Flux<String> data(Flux<Mono<byte[]>> events) {
		return events.concatMap((event) -> event, 1).map((bytes) -> {
			String frame = new String(bytes, StandardCharsets.UTF_8);
			int start = frame.indexOf("\ndata:") + "\ndata:".length();
			return frame.substring(start, frame.indexOf('\n', start));
		});
	}

	private static JsonNode backend(String json) {
		return mapper.readTree(json).get("pools").get(0).get("backends").get(0);
	}

}
