package io.smartstick.routing;

import java.time.Clock;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * What a failed proxy attempt tells of its backend, the same on both engines: a failure
 * of the backend's connection takes the backend down at once (when passive detection is
 * on); a client's pace, a refused request or a timeout does not.
 *
 * @author smart-stick
 */
public final class PassiveDetection {

	private static final Log logger = LogFactory.getLog(PassiveDetection.class);

	private final BackendRegistry registry;

	private final boolean enabled;

	private final Clock clock;

	/**
	 * Create the detection of a pool.
	 * @param registry the pool's backends, told of passively detected failures
	 * @param enabled whether transport failures take a backend down at once
	 * @param clock stamps passive failures
	 */
	public PassiveDetection(BackendRegistry registry, boolean enabled, Clock clock) {
		this.registry = registry;
		this.enabled = enabled;
		this.clock = clock;
	}

	/**
	 * An attempt failed before the client's answer started, and is neither repeated on a
	 * fresh connection nor otherwise excused: a transport failure takes the backend down.
	 * @param backend the backend the attempt went to, or {@code null} if none was chosen
	 * @param failure what went wrong
	 */
	public void failed(Backend backend, ProxyFailure failure) {
		if (failure.isTransport()) {
			takeDown(backend, failure);
		}
	}

	/**
	 * An attempt failed after part of the answer had been sent to the client, so that
	 * nothing can be retried or replaced: only a backend that broke off its body is sure to
	 * be at fault. A response timeout there may be the client's doing (it took nothing, so
	 * reading from the backend paused), so it is logged and never counts against the
	 * backend.
	 * @param backend the backend the attempt went to, or {@code null} if none was chosen
	 * @param failure what went wrong
	 */
	public void failedWhileAnswering(Backend backend, ProxyFailure failure) {
		if (failure == ProxyFailure.RESET_DURING_RESPONSE) {
			takeDown(backend, failure);
		}
		else if (failure == ProxyFailure.TIMEOUT && backend != null) {
			logger.warn(ProxyFailure.timedOutInTheMiddleOfItsAnswer(backend.idValue()));
		}
	}

	private void takeDown(Backend backend, ProxyFailure failure) {
		if (backend != null && this.enabled) {
			this.registry.updateHealth(backend, false, failure.cause() + " (passive)", this.clock.instant());
		}
	}

}
