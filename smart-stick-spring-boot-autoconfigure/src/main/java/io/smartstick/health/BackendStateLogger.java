package io.smartstick.health;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;

/**
 * Logs every backend state change: WARN when a backend goes down, INFO when it recovers,
 * an operator changes its admin state, or it is added to or removed from its pool.
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
		else if (event instanceof BackendAddedEvent added) {
			logger.info(added.getBackend().describe() + " added to the pool"
					+ (added.getBackend().isHealthy() ? "" : ", taking clients after its first passing health check"));
		}
		else if (event instanceof BackendRemovedEvent removed) {
			logger.info(removed.getBackend().describe() + " removed from the pool: it takes no new request, "
					+ removed.getBackend().activeConnections() + " in flight drain");
		}
		else if (event instanceof BackendAdminStateChangedEvent adminChanged) {
			logger.info(adminChanged.getBackend().describe()
					+ " admin state changed from " + adminChanged.getPrevious().name().toLowerCase()
					+ " to " + adminChanged.getCurrent().name().toLowerCase());
		}
	}

	private void log(BackendStateChangedEvent event) {
		String message = event.getBackend().describe() + " is "
				+ (event.isHealthy() ? (event.isFirstCheck() ? "up, taking clients" : "back up") : "down") + ": "
				+ event.getCause();
		if (event.isHealthy()) {
			logger.info(message);
		}
		else {
			logger.warn(message);
		}
	}

}
