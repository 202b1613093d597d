package io.smartstick.alert;

import io.smartstick.balancer.Backend;

/**
 * Told whether each alert could be sent, for metrics. Every bean of this type is called,
 * on the thread that sent the mail.
 *
 * @author smart-stick
 */
@FunctionalInterface
public interface AlertOutcomeListener {

	/**
	 * An alert about a backend was sent, or given up after its retries.
	 * @param backend the backend the alert was about
	 * @param sent whether it was sent
	 */
	void alertFinished(Backend backend, boolean sent);

}
