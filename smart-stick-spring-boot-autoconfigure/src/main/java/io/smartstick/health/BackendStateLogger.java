package io.smartstick.health;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationListener;

/**
 * Logs every backend state change: WARN when a backend goes down, INFO when it recovers.
 *
 * @author smart-stick
 */
public class BackendStateLogger implements ApplicationListener<BackendStateChangedEvent> {

	private static final Log logger = LogFactory.getLog(BackendStateLogger.class);

	@Override
	public void onApplicationEvent(BackendStateChangedEvent event) {
		String message = "Backend " + event.getBackend().idValue() + " (" + event.getBackend().url() + ") is "
				+ (event.isHealthy() ? "back up" : "down") + ": " + event.getCause();
		if (event.isHealthy()) {
			logger.info(message);
		}
		else {
			logger.warn(message);
		}
	}

}
