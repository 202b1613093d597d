package io.smartstick.routing;

import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Gateway's {@link RemoveForwardedHeadersFilter} with the same result, without its copy:
 * requests that carry no {@code Forwarded} header, nearly all of them, keep their
 * headers as they are (Gateway's header filters never change the headers they are given),
 * and the others lose it from one copy. Gateway's filter copies every header into a new
 * set of headers on every request to leave that one out. It runs when Gateway does not
 * write the {@code Forwarded} header itself, as with smart-stick's defaults, so that a
 * client cannot pass one off to the backends.
 *
 * @author smart-stick
 * @see SinglePassFiltersPostProcessor
 */
public class SinglePassRemoveForwardedHeadersFilter extends RemoveForwardedHeadersFilter {

	private static final String FORWARDED = "Forwarded";

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		if (!input.containsHeader(FORWARDED)) {
			return input;
		}
		HttpHeaders filtered = HttpHeaders.copyOf(input);
		filtered.remove(FORWARDED);
		return filtered;
	}

}
