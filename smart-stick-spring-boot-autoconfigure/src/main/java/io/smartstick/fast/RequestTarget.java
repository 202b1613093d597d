package io.smartstick.fast;

/**
 * Tells the request targets the fast engine serves from those it leaves to WebFlux. A
 * target of only the characters every URI parser accepts in a path and a query (letters,
 * digits, {@code -._~!$&'()*+,;=:@/?}) and well-formed percent-escapes is served. Any
 * other (a character a URI may not hold, such as a space, {@code |}, {@code "} or a
 * control character, a broken escape such as {@code %zz}, a fragment, a raw non-ASCII
 * byte) is left to WebFlux, which answers it exactly as on the Gateway engine: 400 if it
 * is not a URI, otherwise the pool's Gateway route.
 *
 * @author smart-stick
 */
final class RequestTarget {

	private static final boolean[] PLAIN = new boolean[128];

	static {
		for (char c = 'a'; c <= 'z'; c++) {
			PLAIN[c] = true;
			PLAIN[Character.toUpperCase(c)] = true;
		}
		for (char c = '0'; c <= '9'; c++) {
			PLAIN[c] = true;
		}
		for (char c : "-._~!$&'()*+,;=:@/?".toCharArray()) {
			PLAIN[c] = true;
		}
	}

	private RequestTarget() {
	}

	/**
	 * Whether a request target is plain enough for the fast engine.
	 * @param uri the target as it arrived in the request line
	 * @return {@code true} if every character is plain and every escape well-formed
	 */
	static boolean isPlain(String uri) {
		int length = uri.length();
		for (int i = 0; i < length; i++) {
			char c = uri.charAt(i);
			if (c == '%') {
				if (i + 2 >= length || !isHex(uri.charAt(i + 1)) || !isHex(uri.charAt(i + 2))) {
					return false;
				}
				i += 2;
			}
			else if (c >= PLAIN.length || !PLAIN[c]) {
				return false;
			}
		}
		return true;
	}

	private static boolean isHex(char c) {
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	}

}
