package io.smartstick.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.balancer.BalancingStrategy;
import io.smartstick.balancer.BalancingStrategyCatalog;
import io.smartstick.balancer.MembershipChange;
import io.smartstick.balancer.Pool;
import io.smartstick.balancer.Pools;
import io.smartstick.config.PoolDefinition;
import io.smartstick.config.PoolDefinitions;
import io.smartstick.config.SmartStickProperties;
import io.smartstick.health.BackendAddedEvent;
import io.smartstick.health.BackendAdminStateChangedEvent;
import io.smartstick.health.BackendRemovedEvent;
import io.smartstick.health.BackendStateChangedEvent;
import io.smartstick.health.HealthCheck;
import io.smartstick.observe.SmartStickObserver;
import io.smartstick.routing.SmartStickRoutes;
import io.smartstick.sticky.CookieSettings;
import io.smartstick.sticky.StickyBackendSelector;
import io.smartstick.sticky.StickyCookieCodec;
import io.smartstick.sticky.StickyCookieWriter;
import io.smartstick.sticky.StickyPool;
import io.smartstick.sticky.StickyPools;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of smart-stick's core: the validated backend registry, the balancing
 * strategy and the sticky backend selection. Routing, the status endpoint and operations
 * support build on these in their own auto-configurations.
 *
 * @author smart-stick
 */
@AutoConfiguration
@ConditionalOnClass(RouteLocator.class)
@ConditionalOnBooleanProperty(name = "smartstick.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SmartStickProperties.class)
public class SmartStickAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	BalancingStrategyCatalog smartStickBalancingStrategyCatalog(ObjectProvider<BalancingStrategy> strategies) {
		return new BalancingStrategyCatalog(strategies.orderedStream().toList());
	}

	@Bean
	SmartStickPoolDefinitions smartStickPoolDefinitions(SmartStickProperties properties, Environment environment,
			BalancingStrategyCatalog strategies, ListableBeanFactory beanFactory) {
		return new SmartStickPoolDefinitions(
				definitions(properties, Binder.get(environment), strategies, beanFactory));
	}

	/**
	 * Validate every pool and create its definition, at start-up and on each reload.
	 * @param properties the bound properties
	 * @param binder the binder they were bound with
	 * @param strategies every balancing strategy
	 * @param beanFactory holds the health check beans
	 * @return the definitions
	 */
	static List<PoolDefinition> definitions(SmartStickProperties properties, Binder binder,
			BalancingStrategyCatalog strategies, ListableBeanFactory beanFactory) {
		List<String> healthChecks = List.of(beanFactory.getBeanNamesForType(HealthCheck.class, true, false));
		return PoolDefinitions.create(properties, binder, List.copyOf(strategies.names()), healthChecks,
				SmartStickAutoConfiguration::serviceId);
	}

	@Bean
	@ConditionalOnMissingBean
	Pools smartStickPools(SmartStickPoolDefinitions definitions, ApplicationEventPublisher eventPublisher) {
		List<Pool> pools = new ArrayList<>();
		for (PoolDefinition definition : definitions.all()) {
			BackendRegistry registry = new BackendRegistry(definition.backends(),
					(change) -> eventPublisher.publishEvent(new BackendStateChangedEvent(change.backend(), change)),
					(change) -> eventPublisher
						.publishEvent(new BackendAdminStateChangedEvent(change.backend(), change)),
					(change) -> publishMembership(eventPublisher, change));
			pools.add(new Pool(definition.name(), registry, definition.strategy()));
		}
		return new Pools(pools);
	}

	/**
	 * The default pool's registry, for applications and tools that know one pool only.
	 * @param pools every pool
	 * @return the default pool's registry
	 */
	@Bean
	@Conditional(OnDefaultPoolCondition.class)
	BackendRegistry smartStickBackendRegistry(Pools pools) {
		return pools.defaultPool().registry();
	}

	@Bean
	SmartStickObserverHolder smartStickObservers(ObjectProvider<SmartStickObserver> observers) {
		return new SmartStickObserverHolder(observers);
	}

	@Bean
	@ConditionalOnMissingBean
	StickyCookieCodec smartStickCookieCodec(SmartStickProperties properties) {
		return StickyCookieCodec.withSecrets(PoolDefinitions.secrets(properties.getSticky()));
	}

	@Bean
	StickyPools smartStickStickyPools(Pools pools, SmartStickPoolDefinitions definitions,
			StickyCookieCodec defaultCodec, BalancingStrategyCatalog strategies, SmartStickProperties properties) {
		Pattern trustedProxies = Pattern.compile(properties.getSticky().getTrustedProxies());
		List<StickyPool> sticky = new ArrayList<>();
		for (Pool pool : pools.all()) {
			PoolDefinition definition = definitions.find(pool.name());
			PoolDefinition.Cookie cookie = definition.cookie();
			StickyCookieCodec codec = pool.isDefault() ? defaultCodec : StickyCookieCodec.withSecrets(cookie.secrets());
			StickyBackendSelector selector = new StickyBackendSelector(pool.registry(), codec,
					strategies.forPool(definition.strategy()), definition.strictFailover());
			CookieSettings settings = new CookieSettings(cookie.name(), cookie.path(), cookie.httpOnly(),
					cookie.sameSite(), CookieSettings.Secure.valueOf(cookie.secure().name()), cookie.maxAge(),
					trustedProxies);
			sticky.add(new StickyPool(pool, selector, new StickyCookieWriter(settings, codec)));
		}
		return new StickyPools(sticky);
	}

	/**
	 * The default pool's selector, for applications and tools that know one pool only.
	 * @param pools the sticky side of every pool
	 * @return the default pool's selector
	 */
	@Bean
	@Conditional(OnDefaultPoolCondition.class)
	StickyBackendSelector smartStickBackendSelector(StickyPools pools) {
		return pools.find(Backend.DEFAULT_POOL).selector();
	}

	private static void publishMembership(ApplicationEventPublisher eventPublisher, MembershipChange change) {
		for (Backend backend : change.removed()) {
			eventPublisher.publishEvent(new BackendRemovedEvent(change, backend));
		}
		for (Backend backend : change.added()) {
			eventPublisher.publishEvent(new BackendAddedEvent(change, backend));
		}
	}

	static String serviceId(String pool) {
		return Backend.DEFAULT_POOL.equals(pool) ? SmartStickRoutes.SERVICE_ID : "smartstick-" + pool;
	}

}
