package io.smartstick.bench;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Plain Spring Cloud Gateway that smart-stick is measured against: one route to
 * {@code lb://backends}, Spring Cloud LoadBalancer's round robin over the static instances
 * given as {@code spring.cloud.discovery.client.simple.instances.backends[n].uri}.
 *
 * @author smart-stick
 */
@SpringBootApplication
public class BaselineGatewayApplication {

	public static void main(String[] args) {
		SpringApplication.run(BaselineGatewayApplication.class, args);
	}

}
