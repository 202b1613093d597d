package io.smartstick.config;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ConfigFileEnvironmentPostProcessor}.
 *
 * @author smart-stick
 */
class ConfigFileEnvironmentPostProcessorTests {

	private static final String APPLICATION_YML = "Config resource 'class path resource [application.yml]'";

	@TempDir
	Path directory;

	private final ConfigFileEnvironmentPostProcessor postProcessor = new ConfigFileEnvironmentPostProcessor();

	@Test
	void runsRightAfterConfigDataProcessing() {
		assertThat(this.postProcessor.getOrder())
			.isEqualTo(org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor.ORDER + 1);
	}

	@Test
	void withoutConfigFileEnvironmentIsUnchanged() {
		StandardEnvironment environment = new StandardEnvironment();
		int sources = environment.getPropertySources().size();
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getPropertySources()).hasSize(sources);
	}

	@Test
	void fileRanksBelowCommandLineAndAboveApplicationConfig() throws IOException {
		Path file = writeReadmeExample();
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new SimpleCommandLinePropertySource("--smartstick.strategy=random",
					"--smartstick.config-file=" + file));
		environment.getPropertySources()
			.addLast(new MapPropertySource(APPLICATION_YML,
					Map.of("smartstick.backends[0].id", "7", "smartstick.backends[0].url", "http://yml:1",
							"smartstick.backends[1].id", "8", "smartstick.backends[2].id", "9", "server.port",
							"8080", "smartstick.health.path", "/from-yml")));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		String name = "smartstick-config-file [" + file + "]";
		assertThat(environment.getPropertySources().stream().map(PropertySource::getName)).containsExactly(
				"commandLineArgs", "systemProperties", "systemEnvironment", name, APPLICATION_YML);
		assertThat(environment.getProperty("smartstick.strategy")).isEqualTo("random");
		assertThat(environment.getProperty("server.port")).isEqualTo("3001");
		assertThat(environment.getProperty("smartstick.health.path")).isEqualTo("/from-yml");
		SmartStickProperties properties = Binder.get(environment)
			.bind(SmartStickProperties.PREFIX, SmartStickProperties.class)
			.get();
		assertThat(properties.getBackends()).extracting(SmartStickProperties.Backend::getUrl)
			.containsExactly("http://localhost:5000", "http://localhost:5001");
		assertThat(properties.getStrategy()).isEqualTo("random");
	}

	@Test
	void configFileCanBeNamedInApplicationConfig() throws IOException {
		Path file = writeReadmeExample();
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addLast(new MapPropertySource(APPLICATION_YML,
					Map.of("smartstick.configFile", file.toString(), "server.port", "8080")));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getPropertySources().stream().map(PropertySource::getName)).containsExactly(
				"systemProperties", "systemEnvironment", "smartstick-config-file [" + file + "]", APPLICATION_YML);
		assertThat(environment.getProperty("server.port")).isEqualTo("3001");
	}

	@Test
	void withoutHigherSourcesFileRanksFirst() throws IOException {
		Path file = writeReadmeExample();
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().remove("systemProperties");
		environment.getPropertySources().remove("systemEnvironment");
		environment.getPropertySources()
			.addLast(new MapPropertySource(APPLICATION_YML, Map.of("smartstick.config-file", file.toString())));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getPropertySources().stream().map(PropertySource::getName))
			.containsExactly("smartstick-config-file [" + file + "]", APPLICATION_YML);
	}

	@Test
	void processingTwiceReplacesTheSource() throws IOException {
		Path file = writeReadmeExample();
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addLast(new MapPropertySource(APPLICATION_YML, Map.of("smartstick.config-file", file.toString())));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getPropertySources().stream().map(PropertySource::getName))
			.filteredOn((name) -> name.startsWith("smartstick-config-file"))
			.hasSize(1);
	}

	@Test
	void valuesHaveTheFileAsOrigin() throws IOException {
		Path file = writeReadmeExample();
		StandardEnvironment environment = environmentWithConfigFile(file.toString());
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		@SuppressWarnings("unchecked")
		OriginLookup<String> source = (OriginLookup<String>) environment.getPropertySources()
			.get("smartstick-config-file [" + file + "]");
		TextResourceOrigin origin = (TextResourceOrigin) source.getOrigin("smartstick.backends[1].health-timeout");
		assertThat(origin.getResource().getFile()).isEqualTo(file.toFile());
		assertThat(origin.getLocation().getLine()).isEqualTo(5);
	}

	@Test
	void classpathLocationIsResolvedWithTheApplicationClassLoader() throws IOException {
		Path classes = Files.createDirectories(this.directory.resolve("classes/lb"));
		Files.writeString(classes.resolve("config.json"), "{ \"port\": 4000, \"strategy\": \"least-connections\" }");
		try (URLClassLoader classLoader = new URLClassLoader(
				new URL[] { this.directory.resolve("classes").toUri().toURL() }, getClass().getClassLoader())) {
			SpringApplication application = new SpringApplication();
			application.setResourceLoader(new DefaultResourceLoader(classLoader));
			StandardEnvironment environment = environmentWithConfigFile("classpath:lb/config.json");
			this.postProcessor.postProcessEnvironment(environment, application);
			assertThat(environment.getPropertySources().contains("smartstick-config-file [classpath:lb/config.json]"))
				.isTrue();
			assertThat(environment.getProperty("server.port")).isEqualTo("4000");
			assertThat(environment.getProperty("smartstick.strategy")).isEqualTo("least-connections");
		}
	}

	@Test
	void fileLocationIsSupported() throws IOException {
		Path file = writeReadmeExample();
		StandardEnvironment environment = environmentWithConfigFile(file.toUri().toString());
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("smartstick.backends[1].health-method")).isEqualTo("HEAD");
	}

	@Test
	void invalidFileFailsWithConfigFileException() throws IOException {
		Path file = Files.writeString(this.directory.resolve("config.json"),
				"{ \"backends\": [ { \"url\": 1, \"Weight\": 2 } ] }");
		StandardEnvironment environment = environmentWithConfigFile(file.toString());
		assertThatExceptionOfType(ConfigFileException.class)
			.isThrownBy(() -> this.postProcessor.postProcessEnvironment(environment, new SpringApplication()))
			.withMessage("Invalid smart-stick config file '" + file + "' at $.backends[0].Weight: Unknown backend key "
					+ "'Weight' (did you mean 'weight'?). Valid keys are: id, url, weight, owner, healthPath, "
					+ "healthMethod, healthAlgorithm, healthTimeout, healthHeaders, healthCheck, healthRise, healthFall, state");
	}

	private StandardEnvironment environmentWithConfigFile(String location) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new SimpleCommandLinePropertySource("--smartstick.config-file=" + location));
		return environment;
	}

	private Path writeReadmeExample() throws IOException {
		return Files.writeString(this.directory.resolve("config.json"), ConfigFileReaderTests.README_EXAMPLE);
	}

}
