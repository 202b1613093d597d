package io.smartstick.sticky;

import java.util.List;

/**
 * Finds one cookie's value in a request's {@code Cookie} headers without parsing the
 * others. The result is the one {@code request.getCookies().getFirst(name)} gives with
 * Reactor Netty's strict cookie decoding: the first cookie of that name, in header order,
 * whose value is valid (RFC 6265 cookie octets, optionally in double quotes, which are
 * removed). Parsing every cookie into a map of objects cost the sticky path about 1 % of
 * its CPU time per request, more with the many cookies browsers send (see
 * {@code StickyCookieReadBenchmark} in {@code bench/jmh}).
 *
 * @author smart-stick
 */
public final class CookieHeaderReader {

	private CookieHeaderReader() {
	}

	/**
	 * The value of the first valid cookie named {@code name}.
	 * @param cookieHeaders the request's {@code Cookie} header values, may be {@code null}
	 * @param name the cookie's name, a valid cookie name
	 * @return the value, or {@code null} when no valid cookie of that name was sent
	 */
	public static String firstValue(List<String> cookieHeaders, String name) {
		if (cookieHeaders == null) {
			return null;
		}
		for (String header : cookieHeaders) {
			String value = firstValue(header, name);
			if (value != null) {
				return value;
			}
		}
		return null;
	}

	private static String firstValue(String header, String name) {
		int length = header.length();
		int i = 0;
		while (i < length) {
			// separators and white space between cookies, as Netty's decoder skips them
			char c = header.charAt(i);
			if (c == ';' || c == ',' || c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r') {
				i++;
				continue;
			}
			int nameStart = i;
			while (i < length && header.charAt(i) != '=' && header.charAt(i) != ';') {
				i++;
			}
			if (i == length || header.charAt(i) == ';') {
				// a name without a value is no cookie
				continue;
			}
			int nameEnd = i;
			int valueStart = i + 1;
			int semicolon = header.indexOf(';', valueStart);
			int valueEnd = (semicolon >= 0) ? semicolon : length;
			i = valueEnd;
			if (nameEnd - nameStart == name.length() && header.startsWith(name, nameStart)) {
				String value = validValue(header, valueStart, valueEnd);
				if (value != null) {
					return value;
				}
			}
		}
		return null;
	}

	private static String validValue(String header, int start, int end) {
		if (end - start >= 2 && header.charAt(start) == '"' && header.charAt(end - 1) == '"') {
			start++;
			end--;
		}
		for (int i = start; i < end; i++) {
			if (!isCookieOctet(header.charAt(i))) {
				return null;
			}
		}
		return header.substring(start, end);
	}

	/**
	 * RFC 6265 cookie-octet: visible US-ASCII except double quote, comma, semicolon and
	 * backslash.
	 */
	private static boolean isCookieOctet(char c) {
		return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
	}

}
