package io.smartstick.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Watches the file named by {@code smartstick.config-file} and applies its backends when
 * its content changes, through the {@link BackendReloader}. The file is read every
 * interval (a bounded poll rather than a file system watch, which misses edits on some
 * mounts such as Kubernetes config maps). A change is validated in a copy of the
 * environment first; only when it is valid does its property source replace the old one,
 * so that an invalid edit changes nothing and is reported once. A location that is not a
 * file (such as one inside a jar) is not watched.
 *
 * @author smart-stick
 */
public class ConfigFileWatcher implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ConfigFileWatcher.class);

	private final ConfigurableEnvironment environment;

	private final String location;

	private final ResourceLoader resourceLoader;

	private final Duration interval;

	private final Scheduler scheduler;

	private final BackendReloader reloader;

	private volatile Path path;

	private volatile byte[] lastContent;

	private volatile boolean unreadable;

	private volatile Disposable polling;

	/**
	 * Create a watcher.
	 * @param environment the application's environment, whose config file source is
	 * replaced on a valid change
	 * @param location the file's location, as given by {@code smartstick.config-file}
	 * @param resourceLoader resolves the location as at start-up (a plain path is a file)
	 * @param interval time between two reads of the file
	 * @param scheduler runs the reads
	 * @param reloader validates and applies a changed configuration
	 */
	public ConfigFileWatcher(ConfigurableEnvironment environment, String location, ResourceLoader resourceLoader,
			Duration interval, Scheduler scheduler, BackendReloader reloader) {
		this.environment = environment;
		this.location = location.trim();
		this.resourceLoader = resourceLoader;
		this.interval = interval;
		this.scheduler = scheduler;
		this.reloader = reloader;
	}

	@Override
	public void start() {
		Resource resource = this.resourceLoader.getResource(this.location);
		if (!resource.isFile()) {
			logger.info("Not watching smartstick.config-file " + this.location + " for changes: it is not a file");
			return;
		}
		try {
			this.path = resource.getFile().toPath();
			this.lastContent = Files.readAllBytes(this.path);
		}
		catch (IOException ex) {
			logger.warn("Not watching smartstick.config-file " + this.location + " for changes: " + ex);
			return;
		}
		this.polling = this.scheduler.schedulePeriodically(this::check, this.interval.toMillis(),
				this.interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		Disposable polling = this.polling;
		this.polling = null;
		if (polling != null) {
			polling.dispose();
		}
	}

	@Override
	public boolean isRunning() {
		return this.polling != null;
	}

	/**
	 * Read the file and apply it if its content changed since the last read.
	 */
	void check() {
		byte[] content;
		try {
			content = Files.readAllBytes(this.path);
		}
		catch (IOException ex) {
			if (!this.unreadable) {
				this.unreadable = true;
				logger.error("Cannot read smartstick.config-file " + this.location + " (" + ex
						+ "); the previous configuration keeps serving");
			}
			return;
		}
		this.unreadable = false;
		if (Arrays.equals(content, this.lastContent)) {
			return;
		}
		this.lastContent = content;
		try {
			apply();
		}
		catch (RuntimeException ex) {
			logger.error("Could not apply the changed smartstick.config-file " + this.location
					+ "; the previous configuration keeps serving", ex);
		}
	}

	private void apply() {
		Map<String, Object> properties;
		try {
			properties = ConfigFileReader.read(this.location, this.resourceLoader);
		}
		catch (ConfigFileException ex) {
			logger.error("Rejected the changed smartstick.config-file " + this.location
					+ "; the previous configuration keeps serving. " + ex.getDescription() + " " + ex.getAction());
			return;
		}
		PropertySource<?> source = ConfigFileEnvironmentPostProcessor.source(this.location, properties);
		// validate against a copy of the environment's sources, the new file's in its place
		MutablePropertySources sources = new MutablePropertySources(this.environment.getPropertySources());
		ConfigFileEnvironmentPostProcessor.add(sources, source);
		Binder binder = new Binder(ConfigurationPropertySources.from(sources),
				new PropertySourcesPlaceholdersResolver(sources));
		if (this.reloader.reload(binder, "smartstick.config-file " + this.location)) {
			ConfigFileEnvironmentPostProcessor.add(this.environment.getPropertySources(), source);
		}
	}

}
