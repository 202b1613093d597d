package io.smartstick.routing;

import java.util.List;
import java.util.Set;

import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Gateway's {@link RemoveHopByHopHeadersFilter} with the same settings and the same
 * result, without its copies: it looks each hop-by-hop name and {@code Connection}
 * option up in the headers, returns them unchanged when none is there (Gateway's header
 * filters never change the headers they are given, so there is nothing to protect), and
 * otherwise copies them once and removes those names from the copy. Gateway's filter
 * copies its set of names into a new one, streams the {@code Connection} options into it
 * and lower-cases every header name into a new set of headers, on every request and
 * every response. Header names are ASCII tokens, so ignoring case is the same as
 * comparing lower-cased names.
 *
 * @author smart-stick
 * @see SinglePassFiltersPostProcessor
 */
public class SinglePassRemoveHopByHopHeadersFilter extends RemoveHopByHopHeadersFilter {

	private volatile String[] removed = names(getHeaders());

	/**
	 * Create a filter with the settings of the given one.
	 * @param settings Gateway's filter, with its properties bound
	 * @return a filter that removes the same headers
	 */
	public static SinglePassRemoveHopByHopHeadersFilter withSettingsOf(RemoveHopByHopHeadersFilter settings) {
		SinglePassRemoveHopByHopHeadersFilter filter = new SinglePassRemoveHopByHopHeadersFilter();
		filter.setOrder(settings.getOrder());
		filter.setHeaders(settings.getHeaders());
		return filter;
	}

	@Override
	public void setHeaders(Set<String> headers) {
		super.setHeaders(headers);
		this.removed = names(getHeaders());
	}

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		String[] removed = this.removed;
		List<String> options = input.containsHeader(HttpHeaders.CONNECTION) ? input.getConnection() : List.of();
		if (options.isEmpty() && !containsAny(input, removed)) {
			return input;
		}
		HttpHeaders filtered = HttpHeaders.copyOf(input);
		for (String name : removed) {
			filtered.remove(name);
		}
		for (int i = 0; i < options.size(); i++) {
			filtered.remove(options.get(i));
		}
		return filtered;
	}

	private static boolean containsAny(HttpHeaders headers, String[] names) {
		for (String name : names) {
			if (headers.containsHeader(name)) {
				return true;
			}
		}
		return false;
	}

	private static String[] names(Set<String> headers) {
		return headers.toArray(String[]::new);
	}

}
