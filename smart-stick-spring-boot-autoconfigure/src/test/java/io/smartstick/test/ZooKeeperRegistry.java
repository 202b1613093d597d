package io.smartstick.test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;

import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

/**
 * A real ZooKeeper server in the test JVM (Apache Curator's {@link TestingServer}) and a
 * client that registers instances the way Spring Cloud Zookeeper's own registration does,
 * so that its discovery client finds them.
 */
public final class ZooKeeperRegistry implements AutoCloseable {

	private final TestingServer server;

	private final CuratorFramework curator;

	private final ServiceDiscovery<ZookeeperInstance> discovery;

	public ZooKeeperRegistry() {
		try {
			this.server = new TestingServer(true);
			this.curator = CuratorFrameworkFactory.newClient(connectString(), new RetryOneTime(100));
			this.curator.start();
			this.discovery = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class)
				.client(this.curator)
				.basePath("/services")
				.serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class))
				.build();
			this.discovery.start();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return the server's address, as {@code spring.cloud.zookeeper.connect-string}.
	 * @return the address on loopback
	 */
	public String connectString() {
		return "127.0.0.1:" + this.server.getPort();
	}

	/**
	 * Register an instance of a service.
	 * @param service the service's name
	 * @param port the instance's port on loopback
	 * @param metadata the instance's metadata
	 * @return the registered instance
	 */
	public ServiceInstance<ZookeeperInstance> register(String service, int port, Map<String, String> metadata) {
		String id = UUID.randomUUID().toString();
		try {
			ServiceInstance<ZookeeperInstance> instance = ServiceInstance.<ZookeeperInstance>builder()
				.id(id)
				.name(service)
				.address("127.0.0.1")
				.port(port)
				.payload(new ZookeeperInstance(id, service, new LinkedHashMap<>(metadata)))
				.build();
			this.discovery.registerService(instance);
			return instance;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Change an instance's metadata.
	 * @param instance the instance
	 * @param metadata the metadata entries to set
	 */
	public void update(ServiceInstance<ZookeeperInstance> instance, Map<String, String> metadata) {
		instance.getPayload().getMetadata().putAll(metadata);
		try {
			this.discovery.updateService(instance);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Deregister an instance.
	 * @param instance the instance
	 */
	public void deregister(ServiceInstance<ZookeeperInstance> instance) {
		try {
			this.discovery.unregisterService(instance);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() throws Exception {
		this.discovery.close();
		this.curator.close();
		this.server.close();
	}

}
