package io.smartstick.autoconfigure;

import io.smartstick.balancer.Pools;
import io.smartstick.config.SmartStickProperties;
import io.smartstick.server.ClientConnectionCustomizer;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the client-facing server's protections: the request-head time
 * limit on the application's Reactor Netty server.
 *
 * @author smart-stick
 */
@AutoConfiguration(after = SmartStickAutoConfiguration.class)
@ConditionalOnClass({ HttpServer.class, NettyServerCustomizer.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnBean(Pools.class)
public class SmartStickServerAutoConfiguration {

	@Bean
	ClientConnectionCustomizer smartStickClientConnectionCustomizer(SmartStickProperties properties) {
		return new ClientConnectionCustomizer(properties.getProxy().getRequestHeaderTimeout());
	}

}
