package io.smartstick.routing;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Gateway's {@link RemoveHopByHopHeadersFilter} with the same settings and the same
 * result, in one pass over the headers: it compares each header name with the hop-by-hop
 * names and the {@code Connection} options ignoring case, where Gateway's filter copies
 * its set of names into a new one, streams the {@code Connection} options into it and
 * lower-cases every header name, on every request and every response. Header names are
 * ASCII tokens, so ignoring case is the same as comparing lower-cased names.
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
		HttpHeaders filtered = new HttpHeaders();
		for (Map.Entry<String, List<String>> header : input.headerSet()) {
			String name = header.getKey();
			if (!contains(removed, name) && !contains(options, name)) {
				filtered.addAll(name, header.getValue());
			}
		}
		return filtered;
	}

	private static boolean contains(String[] names, String name) {
		for (String candidate : names) {
			if (candidate.equalsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
	}

	private static boolean contains(List<String> names, String name) {
		for (int i = 0; i < names.size(); i++) {
			if (names.get(i).equalsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
	}

	private static String[] names(Set<String> headers) {
		return headers.toArray(String[]::new);
	}

}
