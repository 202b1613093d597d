package io.smartstick.sticky;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CookieHeaderReader} finds the value {@code request.getCookies().getFirst(name)}
 * finds with Reactor Netty's strict decoding, compared here with Netty's decoder itself.
 */
class CookieHeaderReaderTests {

	private static final String NAME = "X-Backend-ID";

	@ParameterizedTest
	@ValueSource(strings = { "X-Backend-ID=1", "a=b; X-Backend-ID=1", "a=b;X-Backend-ID=1;c=d",
			"X-Backend-ID=1; X-Backend-ID=2", "X-Backend-ID=\"1\"", "X-Backend-ID=\"\"", "X-Backend-ID=",
			"X-Backend-ID=;", "X-Backend-ID", "X-Backend-ID;a=b", "X-Backend-ID = 1", " X-Backend-ID=1",
			"\tX-Backend-ID=1", ",X-Backend-ID=1", "X-Backend-ID=1 ", "X-Backend-ID=1 2; X-Backend-ID=3",
			"X-Backend-ID=\"1; X-Backend-ID=4", "X-Backend-ID=1\"; X-Backend-ID=5", "X-Backend-ID=a,b; X-Backend-ID=6",
			"X-Backend-ID=a\\b; X-Backend-ID=7", "x-backend-id=8", "X-Backend-IDs=9; X-Backend-ID=10",
			"AX-Backend-ID=11", "X-Backend-ID=1=2", "X-Backend-ID=\"", "=1; X-Backend-ID=12",
			"$Version=1; X-Backend-ID=13; $Path=/", "X-Backend-ID=0.abcDEF-_09", "a=\"x;y\"; X-Backend-ID=14", "",
			";;;", "a" })
	void findsWhatNettysStrictDecoderFinds(String header) {
		assertThat(CookieHeaderReader.firstValue(List.of(header), NAME)).as(header).isEqualTo(netty(List.of(header)));
	}

	@Test
	void takesTheFirstValidCookieAcrossHeaders() {
		List<String> headers = List.of("a=b", "X-Backend-ID=bad value", "X-Backend-ID=2", "X-Backend-ID=3");
		assertThat(CookieHeaderReader.firstValue(headers, NAME)).isEqualTo("2").isEqualTo(netty(headers));
	}

	@Test
	void noHeadersNoValue() {
		assertThat(CookieHeaderReader.firstValue(null, NAME)).isNull();
		assertThat(CookieHeaderReader.firstValue(List.of(), NAME)).isNull();
	}

	@Test
	void agreesWithNettyOnRandomHeaders() {
		String[] pieces = { NAME, "X-Backend-I", "a", "=", ";", "; ", ",", " ", "\t", "\"", "1", "22", "x y", "\\",
				"$Path", "=" + NAME, "ä" };
		Random random = new Random(20261124);
		for (int n = 0; n < 20_000; n++) {
			List<String> headers = new ArrayList<>();
			for (int h = random.nextInt(2) + 1; h > 0; h--) {
				StringBuilder header = new StringBuilder();
				for (int p = random.nextInt(10); p > 0; p--) {
					header.append(pieces[random.nextInt(pieces.length)]);
				}
				headers.add(header.toString());
			}
			assertThat(CookieHeaderReader.firstValue(headers, NAME)).as(headers.toString()).isEqualTo(netty(headers));
		}
	}

	/** What Reactor Netty's server request gives Spring: every header decoded, strictly, in order. */
	private static String netty(List<String> headers) {
		for (String header : headers) {
			for (Cookie cookie : ServerCookieDecoder.STRICT.decodeAll(header)) {
				if (cookie.name().equals(NAME)) {
					return cookie.value();
				}
			}
		}
		return null;
	}

}
