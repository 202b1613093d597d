package io.smartstick.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests for {@link ConfigFileFailureAnalyzer}.
 *
 * @author smart-stick
 */
class ConfigFileFailureAnalyzerTests {

	@TempDir
	Path directory;

	@Test
	void analyzesInvalidConfigFileOfRunningApplication() throws IOException {
		Path file = Files.writeString(this.directory.resolve("config.json"), """
				{
				  "backends": [ { "id": 0, "url": "http://localhost:5000", "health-path": "/health" } ]
				}
				""");
		FailureAnalysis analysis = analyzeFailedRun("--smartstick.config-file=" + file);
		assertThat(analysis.getDescription())
			.contains("Failed to load the smart-stick config file '" + file + "' (smartstick.config-file):")
			.contains("JSON path: $.backends[0].health-path")
			.contains("Reason: Unknown backend key 'health-path' (did you mean 'healthPath'?). "
					+ "Valid keys are: id, url");
		assertThat(analysis.getAction()).isEqualTo("Rename 'health-path' to 'healthPath' at $.backends[0].");
	}

	@Test
	void analyzesMissingConfigFileOfRunningApplication() {
		Path file = this.directory.resolve("missing.json");
		FailureAnalysis analysis = analyzeFailedRun("--smartstick.config-file=" + file);
		assertThat(analysis.getDescription()).doesNotContain("JSON path")
			.contains("Reason: The config file does not exist: " + file);
		assertThat(analysis.getAction()).startsWith("Check smartstick.config-file.")
			.contains("Relative paths are resolved against the working directory");
	}

	@Test
	void analyzesMalformedConfigFileOfRunningApplication() throws IOException {
		Path file = Files.writeString(this.directory.resolve("config.json"), "{\n  \"port\": 3001,\n}\n");
		FailureAnalysis analysis = analyzeFailedRun("--smartstick.config-file=" + file);
		assertThat(analysis.getDescription()).contains("Reason: Malformed JSON at line 3, column 1: Unexpected "
				+ "character ('}' (code 125)): was expecting double-quote to start property name");
		assertThat(analysis.getAction())
			.isEqualTo("Fix the JSON syntax at line 3, column 1 (a JSON validator or editor helps).");
	}

	@Test
	void doesNotAnalyzeOtherFailures() {
		assertThat(new ConfigFileFailureAnalyzer().analyze(new IllegalStateException("other"))).isNull();
	}

	private FailureAnalysis analyzeFailedRun(String... args) {
		SpringApplication application = new SpringApplication(MinimalConfiguration.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		Throwable failure = catchThrowable(() -> application.run(args).close());
		assertThat(failure).isInstanceOf(ConfigFileException.class);
		FailureAnalysis analysis = new ConfigFileFailureAnalyzer().analyze(failure);
		assertThat(analysis).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	static class MinimalConfiguration {

	}

}
