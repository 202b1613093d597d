package io.smartstick.config;

import java.util.List;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.io.ApplicationResourceLoader;
import org.springframework.core.Ordered;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.StringUtils;

/**
 * {@link EnvironmentPostProcessor} that reads the original-format {@code config.json}
 * named by {@code smartstick.config-file}. Its settings rank below command-line
 * arguments, Java system properties and OS environment variables, but above every
 * {@code application.properties} or {@code application.yml}.
 *
 * @author smart-stick
 */
public class ConfigFileEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/**
	 * The order of this post-processor: right after Boot's config data processing, so
	 * that {@code smartstick.config-file} may come from {@code application.yml}.
	 */
	public static final int ORDER = ConfigDataEnvironmentPostProcessor.ORDER + 1;

	/**
	 * Prefix of the name of the property source holding the file's settings.
	 */
	static final String PROPERTY_SOURCE_NAME_PREFIX = "smartstick-config-file";

	private static final String CONFIG_FILE_PROPERTY = SmartStickProperties.PREFIX + ".config-file";

	private static final List<String> HIGHER_SOURCES = List.of(
			CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME,
			StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
			StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String location = Binder.get(environment)
			.bind(CONFIG_FILE_PROPERTY, String.class)
			.map(String::trim)
			.orElse(null);
		if (!StringUtils.hasText(location)) {
			return;
		}
		Map<String, Object> properties = ConfigFileReader.read(location,
				ApplicationResourceLoader.get(application.getClassLoader()));
		add(environment.getPropertySources(), source(location, properties));
	}

	/**
	 * Create the property source of a config file's settings.
	 * @param location the file's location
	 * @param properties its settings as smartstick.* properties
	 * @return the property source
	 */
	static PropertySource<?> source(String location, Map<String, Object> properties) {
		return new OriginTrackedMapPropertySource(PROPERTY_SOURCE_NAME_PREFIX + " [" + location + "]", properties,
				true);
	}

	/**
	 * Put a config file's property source in its place, replacing any earlier one.
	 * @param sources the sources
	 * @param source the config file's source
	 */
	static void add(MutablePropertySources sources, PropertySource<?> source) {
		sources.stream()
			.map(PropertySource::getName)
			.filter((name) -> name.startsWith(PROPERTY_SOURCE_NAME_PREFIX + " ["))
			.toList()
			.forEach(sources::remove);
		String lastHigher = null;
		for (PropertySource<?> candidate : sources) {
			if (HIGHER_SOURCES.contains(candidate.getName())) {
				lastHigher = candidate.getName();
			}
		}
		if (lastHigher != null) {
			sources.addAfter(lastHigher, source);
		}
		else {
			sources.addFirst(source);
		}
	}

}
