package io.smartstick.config;

/**
 * One problem with smart-stick's configuration.
 *
 * @param property the offending property, such as {@code smartstick.backends[1].url}
 * @param value the offending value as configured, or {@code null} when missing
 * @param problem what is wrong with it
 * @param fix how to correct it
 * @author smart-stick
 */
public record ConfigurationViolation(String property, Object value, String problem, String fix) {

}
