package io.smartstick.discovery;

import java.time.Duration;

import io.smartstick.balancer.HealthSettings;

/**
 * How one pool takes its backends from service discovery.
 *
 * @param pool name of the pool
 * @param serviceId service id whose instances are the pool's backends
 * @param registeredAs service id the pool's backends are handed to Gateway under
 * @param refreshInterval time between two look-ups besides those on heartbeat events
 * @param health health check settings of every instance, unless its metadata gives its
 * own path
 * @param checked whether the pool's backends are actively checked, so that a new
 * instance waits for its first passing check
 * @author smart-stick
 */
public record DiscoverySettings(String pool, String serviceId, String registeredAs, Duration refreshInterval,
		HealthSettings health, boolean checked) {

}
