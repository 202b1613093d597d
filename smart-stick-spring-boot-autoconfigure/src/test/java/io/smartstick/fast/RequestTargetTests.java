package io.smartstick.fast;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RequestTarget}.
 */
class RequestTargetTests {

	@ParameterizedTest
	@ValueSource(strings = { "", "/", "*", "/a/b?x=1&y=%20", "/%C3%A9t%C3%A9?q=%7e", "/~u/(x)!$'*+,;=:@-._",
			"http://example.com/x?y", "/a?b?c" })
	void plainTargetsAreServedByTheFastEngine(String target) {
		assertThat(RequestTarget.isPlain(target)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/%zz", "/%", "/%4", "/a%4g", "/a b", "/a|b", "/a\"b", "/a<b>", "/a\\b", "/a^b", "/a`b",
			"/a{b}", "/a[1]", "/a?q=[1]", "/a#f", "/\u00e9", "/a\u0000", "/a\tb", "/a\u007f" })
	void anyOtherTargetIsLeftToWebFlux(String target) {
		assertThat(RequestTarget.isPlain(target)).isFalse();
	}

}
