package io.smartstick.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.io.ApplicationResourceLoader;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.TextResourceOrigin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;

/**
 * Tests for {@link ConfigFileReader}.
 *
 * @author smart-stick
 */
class ConfigFileReaderTests {

	static final String README_EXAMPLE = """
			{
			  "port": 3001,
			  "strategy": "round-robin",
			  "backends": [
			    { "id": 0, "url": "http://localhost:5000", "weight": 2, "healthPath": "/health", "healthMethod": "GET", "owner": "your-email@example.com" },
			    { "id": 1, "url": "http://localhost:5001", "weight": 1, "healthPath": "/ready", "healthMethod": "HEAD", "healthTimeout": 5000, "owner": "your-email@example.com" }
			  ],
			  "health": { "interval": 10000, "timeout": 2000, "algorithm": "http-status" },
			  "email": { "service": "gmail", "auth": { "user": "your-email@gmail.com", "pass": "your-app-password" } }
			}
			""";

	@TempDir
	Path directory;

	@Test
	void readmeExampleMapsToProperties() throws IOException {
		assertThat(values(read(write("config.json", README_EXAMPLE)))).containsExactly(entry("server.port", "3001"),
				entry("smartstick.strategy", "round-robin"), entry("smartstick.backends[0].id", "0"),
				entry("smartstick.backends[0].url", "http://localhost:5000"),
				entry("smartstick.backends[0].weight", "2"), entry("smartstick.backends[0].health-path", "/health"),
				entry("smartstick.backends[0].health-method", "GET"),
				entry("smartstick.backends[0].owner", "your-email@example.com"),
				entry("smartstick.backends[1].id", "1"),
				entry("smartstick.backends[1].url", "http://localhost:5001"),
				entry("smartstick.backends[1].weight", "1"), entry("smartstick.backends[1].health-path", "/ready"),
				entry("smartstick.backends[1].health-method", "HEAD"),
				entry("smartstick.backends[1].health-timeout", "5000"),
				entry("smartstick.backends[1].owner", "your-email@example.com"),
				entry("smartstick.health.interval", "10000"), entry("smartstick.health.timeout", "2000"),
				entry("smartstick.health.algorithm", "http-status"), entry("spring.mail.host", "smtp.gmail.com"),
				entry("spring.mail.port", "465"), entry("spring.mail.protocol", "smtps"),
				entry("spring.mail.username", "your-email@gmail.com"),
				entry("spring.mail.password", "your-app-password"),
				entry("smartstick.alerts.from", "your-email@gmail.com"));
	}

	@Test
	void readmeExampleBindsToSmartStickProperties() throws IOException {
		SmartStickProperties properties = bind(read(write("config.json", README_EXAMPLE)));
		assertThat(properties.getStrategy()).isEqualTo("round-robin");
		assertThat(properties.getBackends()).hasSize(2);
		SmartStickProperties.Backend first = properties.getBackends().get(0);
		assertThat(first.getId()).isEqualTo("0");
		assertThat(first.getUrl()).isEqualTo("http://localhost:5000");
		assertThat(first.getWeight()).isEqualTo(2);
		assertThat(first.getHealthPath()).isEqualTo("/health");
		assertThat(first.getHealthMethod()).isEqualTo("GET");
		assertThat(first.getOwner()).isEqualTo("your-email@example.com");
		assertThat(first.getHealthTimeout()).isNull();
		SmartStickProperties.Backend second = properties.getBackends().get(1);
		assertThat(second.getHealthMethod()).isEqualTo("HEAD");
		assertThat(second.getHealthTimeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(properties.getHealth().getInterval()).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.getHealth().getTimeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(properties.getHealth().getAlgorithm()).isEqualTo("http-status");
	}

	@Test
	void headerNamesAndHealthChecksBindVerbatim() throws IOException {
		SmartStickProperties properties = bind(read(write("config.json", """
				{
				  "port": 3001,
				  "backends": [ { "id": 0, "url": "http://localhost:5000", "healthCheck": "myCheck",
				    "healthAlgorithm": "http", "healthHeaders": { "X-Health-Token": "abc", "x.dotted": 42 } } ],
				  "health": { "path": "/up", "method": "HEAD", "check": "defaultCheck",
				    "headers": { "Authorization": "Bearer t", "X-Debug": true } }
				}
				""")));
		SmartStickProperties.Backend backend = properties.getBackends().get(0);
		assertThat(backend.getHealthHeaders()).containsExactly(entry("X-Health-Token", "abc"), entry("x.dotted", "42"));
		assertThat(backend.getHealthCheck()).isEqualTo("myCheck");
		assertThat(backend.getHealthAlgorithm()).isEqualTo("http");
		assertThat(properties.getHealth().getHeaders()).containsExactly(entry("Authorization", "Bearer t"),
				entry("X-Debug", "true"));
		assertThat(properties.getHealth().getPath()).isEqualTo("/up");
		assertThat(properties.getHealth().getMethod()).isEqualTo("HEAD");
		assertThat(properties.getHealth().getCheck()).isEqualTo("defaultCheck");
	}

	@Test
	void valuesKnowTheirLineAndColumnInTheFile() throws IOException {
		Path file = write("config.json", README_EXAMPLE);
		Object timeout = read(file).get("smartstick.backends[1].health-timeout");
		assertThat(timeout).isInstanceOf(OriginTrackedValue.class);
		TextResourceOrigin origin = (TextResourceOrigin) ((OriginTrackedValue) timeout).getOrigin();
		assertThat(origin.getResource().getFile()).isEqualTo(file.toFile());
		assertThat(origin.getLocation().getLine()).isEqualTo(5);
		assertThat(origin.getLocation().getColumn()).isEqualTo(README_EXAMPLE.lines()
			.toList()
			.get(5)
			.indexOf("5000"));
	}

	@Test
	void byteOrderMarkIsIgnored() throws IOException {
		assertThat(values(read(write("config.json", "\uFEFF{\"port\": 1}"))))
			.containsExactly(entry("server.port", "1"));
	}

	@Test
	void missingFileNamesResolvedPathAndWorkingDirectory() {
		String location = "does-not-exist-" + System.nanoTime() + ".json";
		assertThatExceptionOfType(ConfigFileException.class).isThrownBy(() -> read(location)).satisfies((ex) -> {
			assertThat(ex.getLocation()).isEqualTo(location);
			assertThat(ex.getJsonPath()).isNull();
			assertThat(ex.getDescription()).isEqualTo("The config file does not exist: " + Path.of(location)
				.toAbsolutePath());
			assertThat(ex.getAction()).contains("Check smartstick.config-file")
				.contains("working directory (" + Path.of("").toAbsolutePath() + ")");
		});
	}

	@Test
	void missingClasspathFileIsReported() {
		assertThatExceptionOfType(ConfigFileException.class).isThrownBy(() -> read("classpath:missing/config.json"))
			.withMessageContaining("'classpath:missing/config.json'")
			.satisfies((ex) -> assertThat(ex.getDescription())
				.isEqualTo("The config file does not exist: class path resource [missing/config.json]"));
	}

	@Test
	void directoryIsNotReadable() {
		assertThatExceptionOfType(ConfigFileException.class).isThrownBy(() -> read(this.directory.toString()))
			.satisfies((ex) -> assertThat(ex.getDescription())
				.isEqualTo("The config file is not a readable file: " + this.directory.toAbsolutePath()));
	}

	@Test
	void malformedJsonReportsLineColumnAndReason() throws IOException {
		Path file = write("config.json", "{\n  \"port\": 3001\n  \"strategy\": \"random\"\n}");
		assertThatExceptionOfType(ConfigFileException.class).isThrownBy(() -> read(file)).satisfies((ex) -> {
			assertThat(ex.getLocation()).isEqualTo(file.toString());
			assertThat(ex.getDescription()).startsWith("Malformed JSON at line 3, column 3: Unexpected character ('\"'")
				.contains("was expecting comma to separate Object entries")
				.doesNotContain("Source");
			assertThat(ex.getAction())
				.isEqualTo("Fix the JSON syntax at line 3, column 3 (a JSON validator or editor helps).");
		});
	}

	@Test
	void truncatedJsonReportsEndOfInput() throws IOException {
		Path file = write("config.json", "{\n  \"backends\": [\n");
		assertThatExceptionOfType(ConfigFileException.class).isThrownBy(() -> read(file))
			.satisfies((ex) -> assertThat(ex.getDescription()).startsWith("Malformed JSON at line 3")
				.contains("Unexpected end-of-input")
				.doesNotContain("Source"));
	}

	@Test
	void malformedJsonDoesNotEchoTheMailPassword() throws IOException {
		Path file = write("config.json", "{ \"email\": { \"auth\": { \"user\": \"me\", \"pass\": hunter2 } } }");
		assertThatExceptionOfType(ConfigFileException.class).isThrownBy(() -> read(file)).satisfies((ex) -> {
			assertThat(ex.getDescription()).startsWith("Malformed JSON at line 1").contains("Unrecognized token");
			assertThat(ex.getMessage()).doesNotContain("hunter2");
			assertThat(ex.getAction()).doesNotContain("hunter2");
			assertThat(ex).hasNoCause();
		});
	}

	@Test
	void duplicateKeysAreRejected() throws IOException {
		Path file = write("config.json", "{\n  \"port\": 3001,\n  \"port\": 3002\n}");
		assertThatExceptionOfType(ConfigFileException.class).isThrownBy(() -> read(file)).satisfies((ex) -> {
			assertThat(ex.getDescription())
				.isEqualTo("Malformed JSON at line 3, column 9: Duplicate Object property \"port\"");
			assertThat(ex.getAction()).isEqualTo("Remove or rename the duplicate key at line 3, column 9.");
		});
	}

	@Test
	void trailingContentIsRejected() throws IOException {
		Path file = write("config.json", "{ \"port\": 1 }\n{ \"port\": 2 }");
		assertThatExceptionOfType(ConfigFileException.class).isThrownBy(() -> read(file))
			.satisfies((ex) -> assertThat(ex.getDescription()).isEqualTo("Malformed JSON at line 2, column 1: "
					+ "Unexpected content after the end of the top-level JSON object"));
	}

	@Test
	void emptyFileIsRejected() throws IOException {
		Path file = write("config.json", "  \n");
		assertThatExceptionOfType(ConfigFileException.class).isThrownBy(() -> read(file)).satisfies((ex) -> {
			assertThat(ex.getJsonPath()).isEqualTo("$");
			assertThat(ex.getDescription()).isEqualTo("The file is empty");
		});
	}

	private Path write(String name, String content) throws IOException {
		return Files.writeString(this.directory.resolve(name), content, StandardCharsets.UTF_8);
	}

	private static Map<String, Object> read(Path file) {
		return read(file.toString());
	}

	private static Map<String, Object> read(String location) {
		return ConfigFileReader.read(location,
				ApplicationResourceLoader.get(ConfigFileReaderTests.class.getClassLoader()));
	}

	static Map<String, Object> values(Map<String, Object> properties) {
		Map<String, Object> values = new LinkedHashMap<>();
		properties.forEach((name, value) -> values.put(name,
				(value instanceof OriginTrackedValue tracked) ? tracked.getValue() : value));
		return values;
	}

	static SmartStickProperties bind(Map<String, Object> properties) {
		OriginTrackedMapPropertySource source = new OriginTrackedMapPropertySource("test", properties);
		return new Binder(ConfigurationPropertySources.from(source)).bind(SmartStickProperties.PREFIX,
				SmartStickProperties.class)
			.get();
	}

}
