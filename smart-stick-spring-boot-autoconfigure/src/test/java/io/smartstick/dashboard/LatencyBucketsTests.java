package io.smartstick.dashboard;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Latency buckets: contiguous, ordered, and precise enough for a dashboard.
 */
class LatencyBucketsTests {

	@Test
	void bucketsAreContiguousAndOrdered() {
		int previous = 0;
		for (long micros = 0; micros < 100_000_000L; micros = (micros < 100) ? micros + 1 : micros * 11 / 10) {
			int index = LatencyBuckets.index(micros * 1000);
			assertThat(index).isBetween(previous, Math.min(previous + 4, LatencyBuckets.COUNT - 1));
			previous = index;
		}
		assertThat(LatencyBuckets.index(Long.MAX_VALUE)).isEqualTo(LatencyBuckets.COUNT - 1);
		assertThat(LatencyBuckets.index(-5)).isZero();
	}

	@Test
	void bucketStandsForValuesWithinAnEighthOfIt() {
		for (long micros : new long[] { 5, 17, 250, 1_000, 12_345, 999_999, 30_000_000 }) {
			double middle = LatencyBuckets.middleMicros(LatencyBuckets.index(micros * 1000));
			assertThat(middle).isCloseTo(micros, within(micros * 0.125 + 1));
		}
	}

	@Test
	void percentilesAreReadFromTheCounts() {
		long[] counts = new long[LatencyBuckets.COUNT];
		for (int i = 0; i < 99; i++) {
			counts[LatencyBuckets.index(2_000_000)]++;
		}
		counts[LatencyBuckets.index(500_000_000)]++;
		assertThat(LatencyBuckets.percentileMillis(counts, 100, 0.5)).isCloseTo(2.0, within(0.25));
		assertThat(LatencyBuckets.percentileMillis(counts, 100, 0.99)).isCloseTo(2.0, within(0.25));
		assertThat(LatencyBuckets.percentileMillis(counts, 100, 1.0)).isCloseTo(500.0, within(62.5));
		assertThat(LatencyBuckets.percentileMillis(new long[LatencyBuckets.COUNT], 0, 0.5)).isNull();
	}

}
