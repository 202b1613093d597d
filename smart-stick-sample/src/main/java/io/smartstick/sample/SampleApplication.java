package io.smartstick.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The smart-stick demo: a sticky-session load balancer on port 3001 in front of demo
 * backends on ports 5000 to 5003 (the default pool and the "api" pool), all in one
 * process. Run it with {@code --sample.demo-backends=false} to balance real backends
 * instead.
 *
 * @author smart-stick
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
