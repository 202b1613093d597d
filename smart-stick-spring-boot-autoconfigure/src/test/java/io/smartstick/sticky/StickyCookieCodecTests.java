package io.smartstick.sticky;

import java.util.List;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import org.junit.jupiter.api.Test;

import static io.smartstick.test.Backends.backend;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StickyCookieCodec}.
 */
class StickyCookieCodecTests {

	private final Backend zero = backend(0);

	private final Backend one = backend(1);

	private final Backend big = backend(2_000_000_000);

	private final BackendRegistry registry = new BackendRegistry(List.of(this.zero, this.one, this.big), (change) -> {
	});

	@Test
	void withoutSecretTheValueIsThePlainId() {
		StickyCookieCodec codec = new StickyCookieCodec(null);
		assertThat(codec.encode(this.zero)).isEqualTo("0");
		assertThat(codec.encode(this.big)).isEqualTo("2000000000");
		assertThat(new StickyCookieCodec("").encode(this.one)).isEqualTo("1");
	}

	@Test
	void withoutSecretCanonicalIdsOfKnownBackendsAreAccepted() {
		StickyCookieCodec codec = new StickyCookieCodec(null);
		assertThat(codec.decode("0", this.registry)).isSameAs(this.zero);
		assertThat(codec.decode("1", this.registry)).isSameAs(this.one);
		assertThat(codec.decode("2000000000", this.registry)).isSameAs(this.big);
	}

	@Test
	void withoutSecretAnythingElseIsRejected() {
		StickyCookieCodec codec = new StickyCookieCodec(null);
		for (String value : new String[] { null, "", "abc", "-1", "01", "00", "+1", " 1", "1 ", "1.x", "1.", ".1",
				"0x1", "2", "99", "99999999999", "12345678901", "9999999999", "2147483648", "1".repeat(65),
				"0".repeat(64) + "1", "\u0661" }) {
			assertThat(codec.decode(value, this.registry)).as("'%s'", value).isNull();
		}
	}

	@Test
	void withSecretTheValueIsIdDotSignature() {
		StickyCookieCodec codec = new StickyCookieCodec("s3cret");
		String value = codec.encode(this.one);
		assertThat(value).matches("1\\.[A-Za-z0-9_-]{22}");
		assertThat(value).hasSizeLessThanOrEqualTo(64);
		assertThat(codec.encode(this.one)).isEqualTo(value);
		assertThat(codec.encode(this.zero)).startsWith("0.").isNotEqualTo("0." + value.substring(2));
		assertThat(codec.encode(this.big)).startsWith("2000000000.").hasSizeLessThanOrEqualTo(64);
	}

	@Test
	void withSecretItsOwnValuesAreAccepted() {
		StickyCookieCodec codec = new StickyCookieCodec("s3cret");
		for (Backend backend : this.registry.all()) {
			assertThat(codec.decode(codec.encode(backend), this.registry)).isSameAs(backend);
		}
	}

	@Test
	void withSecretThePlainIdIsRejected() {
		StickyCookieCodec codec = new StickyCookieCodec("s3cret");
		assertThat(codec.decode("1", this.registry)).isNull();
		assertThat(codec.decode("1.", this.registry)).isNull();
	}

	@Test
	void withSecretTheSignatureOfAnotherIdIsRejected() {
		StickyCookieCodec codec = new StickyCookieCodec("s3cret");
		String zeroSignature = codec.encode(this.zero).substring("0.".length());
		assertThat(codec.decode("1." + zeroSignature, this.registry)).isNull();
	}

	@Test
	void withSecretATamperedSignatureIsRejected() {
		StickyCookieCodec codec = new StickyCookieCodec("s3cret");
		String value = codec.encode(this.one);
		char last = value.charAt(value.length() - 1);
		String flipped = value.substring(0, value.length() - 1) + ((last == 'A') ? 'B' : 'A');
		assertThat(codec.decode(flipped, this.registry)).isNull();
		assertThat(codec.decode(value.substring(0, value.length() - 1), this.registry)).isNull();
		assertThat(codec.decode(value + "A", this.registry)).isNull();
		assertThat(codec.decode("01" + value.substring(1), this.registry)).isNull();
	}

	@Test
	void withSecretASignatureMadeWithAnotherSecretIsRejected() {
		StickyCookieCodec codec = new StickyCookieCodec("s3cret");
		StickyCookieCodec other = new StickyCookieCodec("another-secret");
		assertThat(other.encode(this.one)).isNotEqualTo(codec.encode(this.one));
		assertThat(codec.decode(other.encode(this.one), this.registry)).isNull();
		assertThat(other.decode(codec.encode(this.one), this.registry)).isNull();
	}

	@Test
	void withSecretAValueForAnUnknownBackendIsRejected() {
		StickyCookieCodec codec = new StickyCookieCodec("s3cret");
		String valueOfBackendTwo = codec.encode(backend(2));
		assertThat(codec.decode(valueOfBackendTwo, this.registry)).isNull();
	}

	@Test
	void codecsSharingASecretAcceptEachOthersValues() {
		StickyCookieCodec first = new StickyCookieCodec("shared");
		StickyCookieCodec second = new StickyCookieCodec("shared");
		// the second load balancer has its own Backend instances for the same configuration
		BackendRegistry otherRegistry = new BackendRegistry(List.of(backend(0), backend(1), backend(2_000_000_000)),
				(change) -> {
				});
		for (Backend backend : this.registry.all()) {
			String value = first.encode(backend);
			assertThat(second.decode(value, otherRegistry)).isSameAs(otherRegistry.find(backend.id()));
			assertThat(first.decode(second.encode(otherRegistry.find(backend.id())), this.registry)).isSameAs(backend);
		}
	}


	@Test
	void secretsSignWithTheFirstAndAcceptAny() {
		String oldValue = new StickyCookieCodec("old").encode(this.one);
		StickyCookieCodec rotating = StickyCookieCodec.withSecrets(List.of("new", "old"));
		assertThat(rotating.encode(this.one)).isEqualTo(new StickyCookieCodec("new").encode(this.one));
		assertThat(rotating.decode(oldValue, this.registry)).isSameAs(this.one);
		assertThat(rotating.decode(rotating.encode(this.one), this.registry)).isSameAs(this.one);
		assertThat(new StickyCookieCodec("new").decode(oldValue, this.registry)).isNull();
	}

	@Test
	void valueSignedWithAnOlderSecretIsNotCurrent() {
		StickyCookieCodec rotating = StickyCookieCodec.withSecrets(List.of("new", "old"));
		assertThat(rotating.isCurrent(new StickyCookieCodec("old").encode(this.one), this.one)).isFalse();
		assertThat(rotating.isCurrent(rotating.encode(this.one), this.one)).isTrue();
		assertThat(new StickyCookieCodec("old").isCurrent("1.anything", this.one)).isTrue();
	}

	@Test
	void keyedBackendWithoutSecretIsItsKey() {
		Backend keyed = keyed("iQmFja2VuZA", 5);
		BackendRegistry registry = new BackendRegistry(List.of(this.zero, keyed), (change) -> {
		});
		StickyCookieCodec codec = new StickyCookieCodec(null);
		assertThat(codec.encode(keyed)).isEqualTo("iQmFja2VuZA");
		assertThat(codec.decode("iQmFja2VuZA", registry)).isSameAs(keyed);
		assertThat(codec.decode("5", registry)).isNull();
	}

	@Test
	void keyedBackendWithSecretsRevealsNotItsKeyAndSurvivesRotation() {
		Backend keyed = keyed("iQmFja2VuZA", 5);
		BackendRegistry registry = new BackendRegistry(List.of(this.zero, keyed), (change) -> {
		});
		String value = new StickyCookieCodec("old").encode(keyed);
		assertThat(value).startsWith("~").doesNotContain("iQmFja2VuZA");
		assertThat(new StickyCookieCodec("old").decode(value, registry)).isSameAs(keyed);
		StickyCookieCodec rotating = StickyCookieCodec.withSecrets(List.of("new", "old"));
		assertThat(rotating.decode(value, registry)).isSameAs(keyed);
		assertThat(rotating.decode(rotating.encode(keyed), registry)).isSameAs(keyed);
		assertThat(rotating.decode("iQmFja2VuZA", registry)).isNull();
		assertThat(rotating.decode("~forged", registry)).isNull();
		assertThat(new StickyCookieCodec("other").decode(value, registry)).isNull();
	}

	private static Backend keyed(String key, int id) {
		return new Backend("default", "svc", id, key, java.net.URI.create("http://127.0.0.1:7000"), 1, null,
				io.smartstick.test.Backends.DEFAULT_HEALTH, io.smartstick.balancer.AdminState.READY);
	}

}
