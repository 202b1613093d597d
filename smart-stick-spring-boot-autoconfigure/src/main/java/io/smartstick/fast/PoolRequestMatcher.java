package io.smartstick.fast;

import java.util.List;

import io.smartstick.routing.ExcludedPaths;

import org.springframework.http.server.PathContainer;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Tells the requests a pool claims, as its Gateway route's {@code Path} and {@code Host}
 * predicates would: a raw path matching one of the pool's path patterns (a trailing slash
 * allowed, as Gateway allows it) and a {@code Host} header matching one of its host
 * patterns ({@code .}-separated Ant patterns), never a path the load balancer serves
 * itself.
 *
 * @author smart-stick
 */
public final class PoolRequestMatcher {

	private static final AntPathMatcher HOSTS = new AntPathMatcher(".");

	private final PathPattern[] paths;

	private final String[] hosts;

	private final ExcludedPaths excluded;

	/**
	 * Create a matcher.
	 * @param paths Gateway path patterns, empty for every path
	 * @param hosts Gateway host patterns, empty for every host
	 * @param excluded paths the load balancer serves itself
	 */
	public PoolRequestMatcher(List<String> paths, List<String> hosts, ExcludedPaths excluded) {
		PathPatternParser parser = new PathPatternParser();
		this.paths = paths.stream().map(parser::parse).toArray(PathPattern[]::new);
		this.hosts = hosts.toArray(String[]::new);
		this.excluded = excluded;
	}

	/**
	 * Whether the pool claims a request.
	 * @param rawPath the request's raw path, without query
	 * @param host its {@code Host} header, or {@code null}
	 * @return {@code true} if the pool's route would serve it
	 */
	public boolean matches(String rawPath, String host) {
		if (this.excluded.covers(rawPath)) {
			return false;
		}
		return matchesHost(host) && matchesPath(rawPath);
	}

	private boolean matchesPath(String rawPath) {
		if (this.paths.length == 0) {
			return true;
		}
		PathContainer path = PathContainer.parsePath(rawPath);
		PathContainer withoutTrailingSlash = null;
		for (PathPattern pattern : this.paths) {
			if (pattern.matches(path)) {
				return true;
			}
			if (rawPath.length() > 1 && rawPath.endsWith("/") && !pattern.getPatternString().endsWith("/")) {
				if (withoutTrailingSlash == null) {
					withoutTrailingSlash = PathContainer.parsePath(rawPath.substring(0, rawPath.length() - 1));
				}
				if (pattern.matches(withoutTrailingSlash)) {
					return true;
				}
			}
		}
		return false;
	}

	private boolean matchesHost(String host) {
		if (this.hosts.length == 0) {
			return true;
		}
		if (host == null) {
			return false;
		}
		for (String pattern : this.hosts) {
			if (HOSTS.match(pattern, host)) {
				return true;
			}
		}
		return false;
	}

}
