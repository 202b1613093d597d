package io.smartstick.sticky;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;

/**
 * Writes and reads the sticky cookie's value. Without a secret the value is the backend's
 * key: its id, as in the original, or the stable key of a discovered backend. With
 * secrets, a configured backend's value is {@code <id>.<signature>}, the signature being
 * a truncated HMAC-SHA256 of the id, so a client can neither forge a value nor pick a
 * backend it was not given, and every load balancer sharing a secret accepts it. A
 * discovered backend's value is then {@code ~<HMAC of its key>}, which reveals nothing of
 * its address. Values are signed with the first secret and accepted when signed with
 * any, so that a secret can be rotated across load balancers without losing stickiness.
 * Reading never throws: anything that is not a valid value for a known backend reads as
 * no cookie.
 *
 * @author smart-stick
 */
public final class StickyCookieCodec {

	private static final int MAX_ID_DIGITS = 10;

	private static final int SIGNATURE_BYTES = 16;

	private static final int MAX_VALUE_LENGTH = 64;

	private static final char TOKEN_PREFIX = '~';

	private static final int MAX_CACHED = 4096;

	private final List<SecretKeySpec> keys;

	/** Signed values by backend, looked up by identity: no boxing, no allocation. */
	private final Map<Backend, String> signedValues = new ConcurrentHashMap<>();

	/** Keys of discovered backends by their signed value under any secret. */
	private final Map<String, String> keysByToken = new ConcurrentHashMap<>();

	/** Keys of discovered backends whose signed values are in {@link #keysByToken}. */
	private final Set<String> tokenizedKeys = ConcurrentHashMap.newKeySet();

	/**
	 * Create a codec.
	 * @param secret secret used to sign values, or {@code null}/empty to write plain ids
	 */
	public StickyCookieCodec(String secret) {
		this((secret != null && !secret.isEmpty()) ? List.of(secret) : List.of(), true);
	}

	private StickyCookieCodec(List<String> secrets, boolean unused) {
		List<SecretKeySpec> keys = new ArrayList<>();
		for (String secret : secrets) {
			if (secret != null && !secret.isEmpty()) {
				keys.add(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			}
		}
		this.keys = List.copyOf(keys);
	}

	/**
	 * Create a codec that signs with the first secret and accepts values signed with any,
	 * so that a secret can be rotated across load balancers without losing stickiness.
	 * @param secrets the secrets, empty to write plain keys
	 * @return the codec
	 */
	public static StickyCookieCodec withSecrets(List<String> secrets) {
		return new StickyCookieCodec(secrets, true);
	}

	/**
	 * Return the cookie value that assigns a client to the given backend.
	 * @param backend the backend
	 * @return the value to put in the cookie
	 */
	public String encode(Backend backend) {
		if (this.keys.isEmpty()) {
			return backend.idValue();
		}
		String value = this.signedValues.get(backend);
		if (value == null) {
			value = backend.hasNumericKey() ? backend.idValue() + "." + sign(this.keys.get(0), backend.idValue())
					: TOKEN_PREFIX + sign(this.keys.get(0), backend.idValue());
			if (this.signedValues.size() >= MAX_CACHED) {
				// backends replaced over a long life: start again rather than grow without bound
				this.signedValues.clear();
			}
			this.signedValues.put(backend, value);
		}
		return value;
	}

	/**
	 * Whether a value that assigns a client to a backend is the one {@link #encode}
	 * writes now, rather than one signed with a secret other than the first.
	 * @param value the cookie value, decoded to the backend
	 * @param backend the backend
	 * @return {@code true} if the value need not be rewritten
	 */
	public boolean isCurrent(String value, Backend backend) {
		return this.keys.size() < 2 || encode(backend).equals(value);
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
		char first = value.charAt(0);
		if (first < '0' || first > '9') {
			return decodeKey(value, registry);
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
		if (backend == null || !backend.hasNumericKey()) {
			return null;
		}
		if (this.keys.isEmpty()) {
			return (end == value.length()) ? backend : null;
		}
		if (constantTimeEquals(encode(backend), value)) {
			return backend;
		}
		for (int i = 1; i < this.keys.size(); i++) {
			if (constantTimeEquals(backend.idValue() + "." + sign(this.keys.get(i), backend.idValue()), value)) {
				return backend;
			}
		}
		return null;
	}

	private Backend decodeKey(String value, BackendRegistry registry) {
		if (this.keys.isEmpty()) {
			return registry.find(value);
		}
		if (value.charAt(0) != TOKEN_PREFIX) {
			return null;
		}
		String key = this.keysByToken.get(value);
		if (key == null) {
			// a backend not seen yet, or a value no backend has: sign the keys not signed yet
			index(registry);
			key = this.keysByToken.get(value);
		}
		return (key != null) ? registry.find(key) : null;
	}

	private void index(BackendRegistry registry) {
		if (this.tokenizedKeys.size() >= MAX_CACHED) {
			this.keysByToken.clear();
			this.tokenizedKeys.clear();
		}
		for (Backend backend : registry.all()) {
			String key = backend.idValue();
			if (!backend.hasNumericKey() && !this.tokenizedKeys.contains(key)) {
				for (SecretKeySpec secret : this.keys) {
					this.keysByToken.put(TOKEN_PREFIX + sign(secret, key), key);
				}
				this.tokenizedKeys.add(key);
			}
		}
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

	private static String sign(SecretKeySpec key, String text) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(key);
			byte[] digest = mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
			byte[] truncated = new byte[SIGNATURE_BYTES];
			System.arraycopy(digest, 0, truncated, 0, SIGNATURE_BYTES);
			return Base64.getUrlEncoder().withoutPadding().encodeToString(truncated);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available in this JVM", ex);
		}
	}

}
