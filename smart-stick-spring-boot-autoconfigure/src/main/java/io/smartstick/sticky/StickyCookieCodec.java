package io.smartstick.sticky;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;

/**
 * Writes and reads the sticky cookie's value. Without a secret the value is the backend's
 * id, as in the original. With a secret it is {@code <id>.<signature>}, the signature
 * being a truncated HMAC-SHA256 of the id, so a client can neither forge a value nor pick
 * a backend it was not given, and every load balancer sharing the secret accepts it.
 * Reading never throws: anything that is not a valid value for a known backend reads as
 * no cookie.
 *
 * @author smart-stick
 */
public final class StickyCookieCodec {

	private static final int MAX_ID_DIGITS = 10;

	private static final int SIGNATURE_BYTES = 16;

	private static final int MAX_VALUE_LENGTH = 64;

	private final SecretKeySpec key;

	private static final int MAX_CACHED = 4096;

	/** Signed values by backend, looked up by identity: no boxing, no allocation. */
	private final Map<Backend, String> signedValues = new ConcurrentHashMap<>();

	/**
	 * Create a codec.
	 * @param secret secret used to sign values, or {@code null}/empty to write plain ids
	 */
	public StickyCookieCodec(String secret) {
		this.key = (secret != null && !secret.isEmpty())
				? new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256") : null;
	}

	/**
	 * Return the cookie value that assigns a client to the given backend.
	 * @param backend the backend
	 * @return the value to put in the cookie
	 */
	public String encode(Backend backend) {
		if (this.key == null) {
			return backend.idValue();
		}
		String value = this.signedValues.get(backend);
		if (value == null) {
			value = backend.idValue() + "." + sign(backend);
			if (this.signedValues.size() >= MAX_CACHED) {
				// backends replaced over a long life: start again rather than grow without bound
				this.signedValues.clear();
			}
			this.signedValues.put(backend, value);
		}
		return value;
	}

	/**
	 * Return the backend a cookie value assigns the client to.
	 * @param value the cookie value, may be {@code null}
	 * @param registry the backends
	 * @return the backend, or {@code null} if the value is absent, malformed, badly signed
	 * or names an unknown backend
	 */
	public Backend decode(String value, BackendRegistry registry) {
		if (value == null || value.isEmpty() || value.length() > MAX_VALUE_LENGTH) {
			return null;
		}
		int end = value.indexOf('.');
		if (end == -1) {
			end = value.length();
		}
		int id = parseId(value, end);
		if (id < 0) {
			return null;
		}
		Backend backend = registry.find(id);
		if (backend == null) {
			return null;
		}
		if (this.key == null) {
			return (end == value.length()) ? backend : null;
		}
		return constantTimeEquals(encode(backend), value) ? backend : null;
	}

	private static int parseId(String value, int end) {
		if (end == 0 || end > MAX_ID_DIGITS || (end > 1 && value.charAt(0) == '0')) {
			return -1;
		}
		long id = 0;
		for (int i = 0; i < end; i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			id = id * 10 + (c - '0');
		}
		return (id <= Integer.MAX_VALUE) ? (int) id : -1;
	}

	private static boolean constantTimeEquals(String expected, String actual) {
		int length = expected.length();
		int difference = length ^ actual.length();
		for (int i = 0; i < length; i++) {
			char other = (i < actual.length()) ? actual.charAt(i) : 0;
			difference |= expected.charAt(i) ^ other;
		}
		return difference == 0;
	}

	private String sign(Backend backend) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(this.key);
			byte[] digest = mac.doFinal(backend.idValue().getBytes(StandardCharsets.US_ASCII));
			byte[] truncated = new byte[SIGNATURE_BYTES];
			System.arraycopy(digest, 0, truncated, 0, SIGNATURE_BYTES);
			return Base64.getUrlEncoder().withoutPadding().encodeToString(truncated);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available in this JVM", ex);
		}
	}

}
