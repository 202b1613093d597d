package io.smartstick.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.smartstick.sticky.CookieHeaderReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Finding the sticky cookie's value in a request's {@code Cookie} header, which every
 * request with a cookie pays before the value is checked.
 * <ul>
 * <li>{@code readStickyCookie}: {@link CookieHeaderReader}, what the sticky filter does:
 * scan for the one cookie, allocate only its value.</li>
 * <li>{@code decodeEveryCookie}: Reactor Netty's strict decoding of every cookie, then
 * the search by name; the bulk of what {@code request.getCookies().getFirst(name)} costs
 * (Spring then also copies every cookie into a map of {@code HttpCookie}s).</li>
 * </ul>
 * {@code cookies} is how many cookies the header holds: {@code 1}, the sticky cookie
 * alone, as in {@code bench/run.sh}; {@code 12}, the sticky cookie last behind eleven
 * of the analytics, consent and session cookies browsers commonly send.
 *
 * @author smart-stick
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class StickyCookieReadBenchmark {

	private static final String NAME = "X-Backend-ID";

	private static final String[] OTHER_COOKIES = { "_ga=GA1.2.1234567890.1700000000",
			"_gid=GA1.2.987654321.1700000000", "_fbp=fb.1.1700000000000.1234567890",
			"cookie_consent=necessary%2Canalytics", "JSESSIONID=0A1B2C3D4E5F60718293A4B5C6D7E8F9",
			"theme=dark", "lang=en-GB", "_hjSessionUser_123=eyJpZCI6ImFiYyIsImNyZWF0ZWQiOjE3MDB9",
			"ajs_anonymous_id=9f8e7d6c-5b4a-3c2d-1e0f-a1b2c3d4e5f6", "csrftoken=Zm9vYmFyYmF6cXV4",
			"__cf_bm=abcdefghijklmnopqrstuvwxyz0123456789" };

	/**
	 * Number of cookies in the header; the sticky cookie is the last.
	 */
	@Param({ "1", "12" })
	public int cookies;

	private List<String> headers;

	/**
	 * Build the header.
	 */
	@Setup
	public void setUp() {
		StringBuilder header = new StringBuilder();
		for (int i = 0; i < this.cookies - 1; i++) {
			header.append(OTHER_COOKIES[i % OTHER_COOKIES.length]).append("; ");
		}
		header.append(NAME).append("=0");
		this.headers = List.of(header.toString());
	}

	/**
	 * The sticky cookie's value, scanned for.
	 * @return the value
	 */
	@Benchmark
	public String readStickyCookie() {
		return CookieHeaderReader.firstValue(this.headers, NAME);
	}

	/**
	 * The sticky cookie's value after decoding every cookie.
	 * @return the value
	 */
	@Benchmark
	public String decodeEveryCookie() {
		for (String header : this.headers) {
			for (Cookie cookie : ServerCookieDecoder.STRICT.decodeAll(header)) {
				if (cookie.name().equals(NAME)) {
					return cookie.value();
				}
			}
		}
		return null;
	}

}
