package io.smartstick.sticky;

import java.util.HashSet;
import java.util.Set;

import io.smartstick.balancer.Backend;

import org.springframework.web.server.ServerWebExchange;

/**
 * What smart-stick's filters of one proxied exchange share, attached to the exchange once
 * by the first of them: the backend of the current attempt, the backends earlier attempts
 * failed on, a refused backend, a choice to repeat, the in-flight record and whether the
 * response is stamped. A pool's route is the only thing that brings an exchange to these
 * filters, so none of them asks whether the exchange is smart-stick's.
 *
 * @author smart-stick
 */
public final class ProxiedExchange {

	private static final String ATTRIBUTE = ProxiedExchange.class.getName();

	private volatile StickySelection selection;

	private volatile Set<Backend> excluded = Set.of();

	private volatile Backend refused;

	private volatile StickySelection repeat;

	private volatile InFlight inFlight;

	private volatile boolean stamped;

	private ProxiedExchange() {
	}

	/**
	 * Return the exchange's state, attaching it on first use.
	 * @param exchange the exchange
	 * @return the state
	 */
	public static ProxiedExchange of(ServerWebExchange exchange) {
		ProxiedExchange state = exchange.getAttribute(ATTRIBUTE);
		if (state == null) {
			state = new ProxiedExchange();
			exchange.getAttributes().put(ATTRIBUTE, state);
		}
		return state;
	}

	/**
	 * Return the backend choice of the current attempt.
	 * @return the selection, or {@code null} before a backend was chosen or after a failed
	 * attempt was forgotten
	 */
	public StickySelection selection() {
		return this.selection;
	}

	/**
	 * Return the backend of the current attempt.
	 * @return the backend, or {@code null} when none is chosen
	 */
	public Backend backend() {
		StickySelection selection = this.selection;
		return (selection != null) ? selection.backend() : null;
	}

	void select(StickySelection selection, InFlight inFlight) {
		this.selection = selection;
		this.inFlight = inFlight;
	}

	/**
	 * Forget the current attempt's backend choice: the attempt failed, or the answer is
	 * the load balancer's own.
	 */
	public void forgetSelection() {
		this.selection = null;
	}

	/**
	 * Keep a failed attempt's backend out of the next choice.
	 * @param backend the backend the attempt failed on
	 */
	public void exclude(Backend backend) {
		Set<Backend> excluded = new HashSet<>(this.excluded);
		excluded.add(backend);
		this.excluded = excluded;
	}

	Set<Backend> excluded() {
		return this.excluded;
	}

	/**
	 * Send the next attempt to the current attempt's backend again instead of choosing,
	 * without counting it as a new assignment.
	 */
	public void repeatSelection() {
		this.repeat = this.selection;
		this.selection = null;
	}

	StickySelection takeRepeat() {
		StickySelection repeat = this.repeat;
		this.repeat = null;
		return repeat;
	}

	/**
	 * Return the backend a request was refused for under the strict failover policy.
	 * @return the backend, or {@code null} when none was refused
	 */
	public Backend refused() {
		return this.refused;
	}

	void refuse(Backend backend) {
		this.refused = backend;
	}

	InFlight inFlight() {
		return this.inFlight;
	}

	boolean stampOnce() {
		if (this.stamped) {
			return false;
		}
		this.stamped = true;
		return true;
	}

}
