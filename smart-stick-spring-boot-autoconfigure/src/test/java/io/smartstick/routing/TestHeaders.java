package io.smartstick.routing;

import java.util.ArrayList;
import java.util.List;

import org.springframework.http.HttpHeaders;

/**
 * Headers for the header-filter tests: built read-only, as a request's arrive, and shown
 * as lines to compare in order.
 */
final class TestHeaders {

	private TestHeaders() {
	}

	/**
	 * Read-only headers from alternating names and values, in order.
	 * @param namesAndValues name, value, name, value, ...
	 * @return the headers
	 */
	static HttpHeaders readOnly(String... namesAndValues) {
		HttpHeaders headers = new HttpHeaders();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			headers.add(namesAndValues[i], namesAndValues[i + 1]);
		}
		return HttpHeaders.readOnlyHttpHeaders(headers);
	}

	/**
	 * The headers as {@code name: [values]} lines, in their order.
	 * @param headers the headers
	 * @return one line a header name
	 */
	static List<String> lines(HttpHeaders headers) {
		List<String> lines = new ArrayList<>();
		headers.forEach((name, values) -> lines.add(name + ": " + values));
		return lines;
	}

}
