package io.smartstick.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.MembershipChange;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;

/**
 * One pool whose backends are a service's instances, as a
 * {@link ReactiveDiscoveryClient} finds them. Each refresh looks the instances up and
 * hands the whole list to the pool's registry as one new snapshot. Refreshes asked for
 * while one runs are coalesced into one more, so results are applied in order. A failed
 * or timed-out look-up changes nothing: the pool keeps serving the backends it has.
 *
 * @author smart-stick
 */
public class DiscoveredPool {

	private static final Log logger = LogFactory.getLog(DiscoveredPool.class);

	private static final Duration LOOK_UP_TIMEOUT = Duration.ofSeconds(10);

	private final DiscoverySettings settings;

	private final BackendRegistry registry;

	private final ReactiveDiscoveryClient client;

	private final InstanceBackends backends;

	private final AtomicBoolean refreshing = new AtomicBoolean();

	private final AtomicBoolean again = new AtomicBoolean();

	private volatile boolean populated;

	private volatile boolean failing;

	/**
	 * Create a discovered pool.
	 * @param settings how the pool is discovered
	 * @param registry the pool's backends
	 * @param client looks the instances up
	 */
	public DiscoveredPool(DiscoverySettings settings, BackendRegistry registry, ReactiveDiscoveryClient client) {
		this.settings = settings;
		this.registry = registry;
		this.client = client;
		this.backends = new InstanceBackends(settings);
	}

	/**
	 * Return how the pool is discovered.
	 * @return the settings
	 */
	public DiscoverySettings settings() {
		return this.settings;
	}

	/**
	 * Look the instances up and apply them, now or, if a look-up runs, right after it.
	 * @return completes when this or the coalesced look-up is applied or failed
	 */
	public Mono<Void> refresh() {
		this.again.set(true);
		if (!this.refreshing.compareAndSet(false, true)) {
			return Mono.empty();
		}
		return Mono.defer(this::lookUp).repeat(() -> {
			if (this.again.get()) {
				return true;
			}
			this.refreshing.set(false);
			// a refresh asked for between the check and the reset runs now
			return this.again.get() && this.refreshing.compareAndSet(false, true);
		}).then();
	}

	private Mono<Void> lookUp() {
		this.again.set(false);
		return this.client.getInstances(this.settings.serviceId())
			.collectList()
			.timeout(LOOK_UP_TIMEOUT)
			.doOnNext(this::apply)
			.onErrorResume((ex) -> {
				if (!this.failing) {
					this.failing = true;
					logger.warn("Could not look up the instances of service " + this.settings.serviceId()
							+ " for pool " + this.settings.pool() + "; it keeps its " + this.registry.all().size()
							+ " backends: " + ex);
				}
				return Mono.empty();
			})
			.then();
	}

	private synchronized void apply(List<ServiceInstance> instances) {
		if (this.failing) {
			this.failing = false;
			logger.info("Looking up the instances of service " + this.settings.serviceId() + " works again");
		}
		List<Backend> next = new ArrayList<>(instances.size());
		Set<String> keys = new HashSet<>();
		for (ServiceInstance instance : instances) {
			Backend backend = this.backends.backend(instance);
			if (keys.add(backend.idValue())) {
				next.add(backend);
			}
		}
		// the first list is the pool's start, taken as configured backends are: presumed healthy
		MembershipChange change = this.registry.replaceBackends(next, this.populated && this.settings.checked());
		this.populated = true;
		this.backends.retain(keys);
		if (instances.isEmpty() && !change.removed().isEmpty()) {
			logger.warn("Service " + this.settings.serviceId() + " has no instance any more: pool "
					+ this.settings.pool() + " has no backend");
		}
	}

	/**
	 * Whether a look-up has been applied since the pool was created.
	 * @return {@code true} once the pool has its first backend list
	 */
	public boolean populated() {
		return this.populated;
	}

}
