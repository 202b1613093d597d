package io.smartstick.routing;

import java.util.List;

import org.springframework.web.server.ServerWebExchange;

/**
 * Paths that the load balancer serves itself and never proxies: each path and everything
 * below it ({@code /actuator} excludes {@code /actuator} and {@code /actuator/health} but
 * not {@code /actuators}).
 *
 * @author smart-stick
 */
public final class ExcludedPaths {

	private final String[] paths;

	/**
	 * Create the excluded paths.
	 * @param paths each excluded path, with everything below it
	 */
	public ExcludedPaths(List<String> paths) {
		this.paths = paths.stream()
			.filter((path) -> path != null && !path.isEmpty())
			.map((path) -> (path.length() > 1 && path.endsWith("/")) ? path.substring(0, path.length() - 1) : path)
			.toArray(String[]::new);
	}

	boolean matches(ServerWebExchange exchange) {
		return covers(exchange.getRequest().getPath().pathWithinApplication().value());
	}

	/**
	 * Whether a path, or a path pattern whose variables and wildcards all come after its
	 * excluded prefix, lies within the excluded paths.
	 * @param path a path or path pattern
	 * @return whether every path it stands for is excluded
	 */
	public boolean covers(String path) {
		for (String excluded : this.paths) {
			if ("/".equals(excluded) || (path.startsWith(excluded)
					&& (path.length() == excluded.length() || path.charAt(excluded.length()) == '/'))) {
				return true;
			}
		}
		return false;
	}

}
