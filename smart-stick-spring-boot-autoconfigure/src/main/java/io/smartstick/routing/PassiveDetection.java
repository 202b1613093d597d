package io.smartstick.routing;

import java.time.Clock;
import java.time.Duration;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

/**
 * What a failed proxy attempt tells of its backend, the same on both engines: a failure
 * of the backend's connection takes the backend down at once (when passive detection is
 * on); a client's pace, a refused request or a timeout does not.
 * <p>
 * An active health check brings a backend taken down this way back. Where the pool has
 * no active checks, nothing would: the backend is then tried again one health-check
 * interval after it was taken down (as nginx does after its {@code fail_timeout}), and
 * goes down again at its next transport failure.
 *
 * @author smart-stick
 */
public final class PassiveDetection {

	private static final Log logger = LogFactory.getLog(PassiveDetection.class);

	private final BackendRegistry registry;

	private final boolean enabled;

	private final Duration retryAfter;

	private final Clock clock;

	/**
	 * Create the detection of a pool.
	 * @param registry the pool's backends, told of passively detected failures
	 * @param enabled whether transport failures take a backend down at once
	 * @param retryAfter how long a backend taken down stays down before it is tried
	 * again, when no active check will bring it back; {@code null} when active checks run
	 * @param clock stamps passive failures
	 */
	public PassiveDetection(BackendRegistry registry, boolean enabled, Duration retryAfter, Clock clock) {
		this.registry = registry;
		this.enabled = enabled;
		this.retryAfter = retryAfter;
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
		if (backend != null && this.enabled
				&& this.registry.updateHealth(backend, false, failure.cause() + " (passive)", this.clock.instant())
				&& this.retryAfter != null) {
			// requests that fail on it meanwhile find it down already and schedule nothing more
			Mono.delay(this.retryAfter).subscribe((tick) -> tryAgain(backend));
		}
	}

	private void tryAgain(Backend backend) {
		// without active checks only passive detection takes a backend down
		if (!backend.isHealthy()) {
			this.registry.updateHealth(backend, true,
					"tried again " + describe(this.retryAfter) + " after a passive failure (no active health checks)",
					this.clock.instant());
		}
	}

	private static String describe(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + " s" : millis + " ms";
	}

}
