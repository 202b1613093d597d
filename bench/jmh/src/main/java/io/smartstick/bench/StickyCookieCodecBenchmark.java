package io.smartstick.bench;

import java.util.concurrent.TimeUnit;

import io.smartstick.balancer.Backend;
import io.smartstick.balancer.BackendRegistry;
import io.smartstick.sticky.StickyCookieCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Reading and checking the sticky cookie, which every request with a cookie pays, and
 * writing it, which every new or moved client pays.
 * <ul>
 * <li>{@code decodeValid}: a cookie this codec wrote, for a known backend; the common
 * case of a returning client.</li>
 * <li>{@code decodeTampered}: a forged value that must be rejected. Signed: the valid
 * value with its last signature character changed, so the full comparison runs.
 * Unsigned: the valid id with a signature appended, which an unsigned codec rejects.</li>
 * <li>{@code decodeUnknownId}: a well-formed value naming no backend (a backend removed
 * from the configuration); rejected after the id lookup, before any signature check.</li>
 * <li>{@code encode}: the value for a new client's cookie once the codec has written it
 * before (signed values are cached per backend).</li>
 * <li>{@code encodeFirstTime}: the value written by a fresh codec, so with a secret it
 * includes the HMAC-SHA256 signature ({@code Mac.getInstance}, {@code init},
 * {@code doFinal}, Base64): what the first client of each backend costs.</li>
 * </ul>
 * {@code secret} is {@code none} (the default, the cookie is the backend id) or
 * {@code hmac} ({@code smartstick.sticky.secret} set). The cookie names the last of
 * {@code backends} backends, so with 1000 its id (999) is past the JDK's cache of boxed
 * integers.
 *
 * @author smart-stick
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class StickyCookieCodecBenchmark {

	private static final String SECRET = "benchmark-shared-secret";

	/**
	 * Whether the cookie is signed: {@code none} or {@code hmac}.
	 */
	@Param({ "none", "hmac" })
	public String secret;

	/**
	 * Number of backends; the cookie names the last one.
	 */
	@Param({ "2", "1000" })
	public int backends;

	private String codecSecret;

	private StickyCookieCodec codec;

	private BackendRegistry registry;

	private Backend backend;

	private String valid;

	private String tampered;

	private String unknownId;

	/**
	 * Build the registry, the codec and the cookie values.
	 */
	@Setup
	public void setUp() {
		this.codecSecret = "hmac".equals(this.secret) ? SECRET : null;
		this.codec = new StickyCookieCodec(this.codecSecret);
		this.registry = BenchmarkBackends.registry(BenchmarkBackends.properties(this.backends));
		this.backend = this.registry.find(this.backends - 1);
		this.valid = this.codec.encode(this.backend);
		this.tampered = (this.codecSecret != null) ? tamper(this.valid) : this.valid + ".AAAAAAAAAAAAAAAAAAAAAA";
		int dot = this.valid.indexOf('.');
		this.unknownId = (this.backends + 1000) + ((dot != -1) ? this.valid.substring(dot) : "");
		BenchmarkBackends.check(this.codec.decode(this.valid, this.registry) == this.backend, "valid cookie rejected");
		BenchmarkBackends.check(this.codec.decode(this.tampered, this.registry) == null, "tampered cookie accepted");
		BenchmarkBackends.check(this.codec.decode(this.unknownId, this.registry) == null, "unknown id accepted");
	}

	@Benchmark
	public Backend decodeValid() {
		return this.codec.decode(this.valid, this.registry);
	}

	@Benchmark
	public Backend decodeTampered() {
		return this.codec.decode(this.tampered, this.registry);
	}

	@Benchmark
	public Backend decodeUnknownId() {
		return this.codec.decode(this.unknownId, this.registry);
	}

	@Benchmark
	public String encode() {
		return this.codec.encode(this.backend);
	}

	@Benchmark
	public String encodeFirstTime() {
		return new StickyCookieCodec(this.codecSecret).encode(this.backend);
	}

	private static String tamper(String value) {
		char last = value.charAt(value.length() - 1);
		return value.substring(0, value.length() - 1) + ((last == 'A') ? 'B' : 'A');
	}

}
