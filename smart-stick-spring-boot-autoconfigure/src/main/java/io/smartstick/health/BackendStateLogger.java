package io.smartstick.health;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;

/**
 * Logs every backend state change: WARN when a backend goes down, INFO when it recovers
 * or an operator changes its admin state.
 *
 * @author smart-stick
 */
public class BackendStateLogger implements ApplicationListener<ApplicationEvent> {

	private static final Log logger = LogFactory.getLog(BackendStateLogger.class);

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof BackendStateChangedEvent stateChanged) {
			log(stateChanged);
		}
		else if (event instanceof BackendAdminStateChangedEvent adminChanged) {
			logger.info(adminChanged.getBackend().describe()
					+ " admin state changed from " + adminChanged.getPrevious().name().toLowerCase()
					+ " to " + adminChanged.getCurrent().name().toLowerCase());
		}
	}

	private void log(BackendStateChangedEvent event) {
		String message = event.getBackend().describe() + " is "
				+ (event.isHealthy() ? "back up" : "down") + ": " + event.getCause();
		if (event.isHealthy()) {
			logger.info(message);
		}
		else {
			logger.warn(message);
		}
	}

}
