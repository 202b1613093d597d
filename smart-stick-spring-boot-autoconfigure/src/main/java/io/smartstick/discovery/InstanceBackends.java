package io.smartstick.discovery;

import java.lang.reflect.Method;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.smartstick.balancer.AdminState;
import io.smartstick.balancer.Backend;
import io.smartstick.balancer.HealthSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Turns the service instances of one pool into backends. Each backend's key, which its
 * sticky cookie holds, is derived from the instance id (or from host and port when the
 * registry gives none) by a hash: the same on every load balancer and after a restart,
 * never the address itself. Its weight comes from the instance metadata
 * {@code smartstick.weight}, then {@code weight}; its health check path from
 * {@code smartstick.health-path}; its owner, mailed on alerts, from
 * {@code smartstick.owner}. An instance its registry reports as not serving
 * ({@code OUT_OF_SERVICE}, {@code DOWN} or {@code STARTING} as a Eureka instance's status
 * or in the {@code instance_status} (ZooKeeper), {@code status} or
 * {@code smartstick.status} metadata, or {@code ready=false}) takes no new clients. Ids, which only index backends, are reused once free. Not thread-safe: one
 * pool's refreshes are applied one at a time.
 *
 * @author smart-stick
 */
final class InstanceBackends {

	private static final Log logger = LogFactory.getLog(InstanceBackends.class);

	static final String WEIGHT = "smartstick.weight";

	static final String PLAIN_WEIGHT = "weight";

	static final String HEALTH_PATH = "smartstick.health-path";

	static final String OWNER = "smartstick.owner";

	private static final String[] STATUS_KEYS = { "smartstick.status", "instance_status", "status" };

	private static final Set<String> NOT_SERVING = Set.of("OUT_OF_SERVICE", "DOWN", "STARTING");

	private final DiscoverySettings settings;

	private final Map<String, Integer> ids = new HashMap<>();

	private final Deque<Integer> freeIds = new ArrayDeque<>();

	private final Set<String> warned = new HashSet<>();

	private int nextId;

	InstanceBackends(DiscoverySettings settings) {
		this.settings = settings;
	}

	/**
	 * Return the backend of an instance.
	 * @param instance the instance
	 * @return a new backend definition, handed to the registry
	 */
	Backend backend(ServiceInstance instance) {
		String key = key(this.settings.serviceId(), instance);
		Integer id = this.ids.get(key);
		if (id == null) {
			id = this.freeIds.isEmpty() ? this.nextId++ : this.freeIds.poll();
			this.ids.put(key, id);
		}
		URI url = URI.create((instance.isSecure() ? "https" : "http") + "://" + hostForUri(instance.getHost()) + ":"
				+ instance.getPort());
		Map<String, String> metadata = (instance.getMetadata() != null) ? instance.getMetadata() : Map.of();
		return new Backend(this.settings.pool(), this.settings.registeredAs(), id, key, url, weight(key, metadata),
				metadata.get(OWNER), health(metadata), AdminState.READY)
			.serving(serving(instance, metadata));
	}

	/**
	 * Free the ids of the keys not in use any more.
	 * @param inUse keys of the backends in the pool now
	 */
	void retain(Set<String> inUse) {
		this.ids.entrySet().removeIf((entry) -> {
			if (!inUse.contains(entry.getKey())) {
				this.freeIds.add(entry.getValue());
				return true;
			}
			return false;
		});
	}

	/**
	 * Derive the stable key of an instance.
	 * @param serviceId the service id the instance is registered under
	 * @param instance the instance
	 * @return a key that does not start with a digit
	 */
	static String key(String serviceId, ServiceInstance instance) {
		String identity = StringUtils.hasText(instance.getInstanceId()) ? instance.getInstanceId()
				: instance.getHost() + ":" + instance.getPort();
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest((serviceId + "\n" + identity).getBytes(StandardCharsets.UTF_8));
			byte[] truncated = new byte[12];
			System.arraycopy(digest, 0, truncated, 0, truncated.length);
			return "i" + Base64.getUrlEncoder().withoutPadding().encodeToString(truncated);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available in this JVM", ex);
		}
	}

	private int weight(String key, Map<String, String> metadata) {
		String property = metadata.containsKey(WEIGHT) ? WEIGHT : PLAIN_WEIGHT;
		String value = metadata.get(property);
		if (value == null) {
			return 1;
		}
		try {
			int weight = Integer.parseInt(value.trim());
			if (weight >= 0) {
				return weight;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		if (this.warned.add(key + property + value)) {
			logger.warn("Instance metadata " + property + "=" + value + " of an instance of service "
					+ this.settings.serviceId() + " (backend " + key + ") is not a weight; using 1. Use a whole "
					+ "number, 0 or more.");
		}
		return 1;
	}

	private HealthSettings health(Map<String, String> metadata) {
		HealthSettings template = this.settings.health();
		String path = metadata.get(HEALTH_PATH);
		if (!StringUtils.hasText(path) || !path.startsWith("/")) {
			return template;
		}
		return new HealthSettings(path, template.method(), template.algorithm(), template.timeout(),
				template.headers(), template.checkBeanName(), template.rise(), template.fall());
	}

	static boolean serving(ServiceInstance instance, Map<String, String> metadata) {
		String eurekaStatus = eurekaStatus(instance);
		if (eurekaStatus != null && NOT_SERVING.contains(eurekaStatus)) {
			return false;
		}
		for (String key : STATUS_KEYS) {
			String status = metadata.get(key);
			if (status != null && NOT_SERVING.contains(status.trim().toUpperCase(Locale.ROOT))) {
				return false;
			}
		}
		return !"false".equalsIgnoreCase(metadata.get("ready"));
	}

	/**
	 * Return the status of a Eureka instance (Spring Cloud Netflix's
	 * {@code EurekaServiceInstance} keeps it in its {@code InstanceInfo}, not in the
	 * metadata), read without depending on Eureka's classes.
	 */
	private static String eurekaStatus(ServiceInstance instance) {
		Method infoMethod = ReflectionUtils.findMethod(instance.getClass(), "getInstanceInfo");
		if (infoMethod == null) {
			return null;
		}
		try {
			Object info = infoMethod.invoke(instance);
			Method statusMethod = (info != null) ? ReflectionUtils.findMethod(info.getClass(), "getStatus") : null;
			Object status = (statusMethod != null) ? statusMethod.invoke(info) : null;
			return (status != null) ? status.toString().toUpperCase(Locale.ROOT) : null;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

	private static String hostForUri(String host) {
		return (host.indexOf(':') >= 0 && !host.startsWith("[")) ? "[" + host + "]" : host;
	}

}
