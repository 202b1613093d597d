package io.smartstick.integration;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * Minimal Boot application for end-to-end tests: smart-stick and nothing else.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestApplication {

}
