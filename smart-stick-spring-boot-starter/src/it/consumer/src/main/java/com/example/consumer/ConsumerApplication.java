package com.example.consumer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

import io.smartstick.health.HealthCheck;

/**
 * A Spring Boot application made a load balancer by smart-stick's starter, with its own
 * idea of a healthy backend.
 */
@SpringBootApplication
public class ConsumerApplication {

	/**
	 * A backend is healthy when its {@code /status} page says {@code green}; any other
	 * answer, even a {@code 200}, takes it out of rotation.
	 * @return the check that replaces smart-stick's HTTP status check
	 */
	@Bean
	HealthCheck greenStatusCheck() {
		// the starter brings WebClient, not Boot's WebClient.Builder bean (spring-boot-webclient)
		WebClient client = WebClient.create();
		return (backend) -> client.get()
			.uri(backend.url().resolve("/status"))
			.retrieve()
			.bodyToMono(String.class)
			.map((body) -> "green".equals(body.trim()));
	}

	public static void main(String[] args) {
		SpringApplication.run(ConsumerApplication.class, args);
	}

}
