package io.smartstick.dashboard;

/**
 * Log-linear latency buckets: four per power of two of microseconds, so that a
 * percentile read from bucket counts is within about 12% of the true value, from 1 µs up
 * to the last bucket (about 50 s and above).
 *
 * @author smart-stick
 */
final class LatencyBuckets {

	private static final int SUB_BITS = 2;

	private static final int SUB = 1 << SUB_BITS;

	/**
	 * Number of buckets.
	 */
	static final int COUNT = 100;

	private LatencyBuckets() {
	}

	/**
	 * Return the bucket of a duration.
	 * @param nanos the duration in nanoseconds
	 * @return the bucket index, from 0 to {@link #COUNT} - 1
	 */
	static int index(long nanos) {
		long micros = nanos / 1000;
		if (micros < SUB) {
			return (int) Math.max(micros, 0);
		}
		int exponent = 63 - Long.numberOfLeadingZeros(micros);
		int sub = (int) (micros >>> (exponent - SUB_BITS)) & (SUB - 1);
		return Math.min((exponent - SUB_BITS + 1) * SUB + sub, COUNT - 1);
	}

	/**
	 * Return the value that stands for a bucket: its middle.
	 * @param index the bucket index
	 * @return the duration in microseconds
	 */
	static double middleMicros(int index) {
		if (index < SUB) {
			return index + 0.5;
		}
		int exponent = index / SUB + SUB_BITS - 1;
		int sub = index % SUB;
		long width = 1L << (exponent - SUB_BITS);
		return (SUB + sub) * width + width / 2.0;
	}

	/**
	 * Return a percentile of the durations counted in the buckets.
	 * @param counts count per bucket
	 * @param total sum of the counts
	 * @param percentile the percentile, such as 0.99
	 * @return the duration in milliseconds, or {@code null} when nothing was counted
	 */
	static Double percentileMillis(long[] counts, long total, double percentile) {
		if (total <= 0) {
			return null;
		}
		long rank = Math.max(1, (long) Math.ceil(percentile * total));
		long seen = 0;
		for (int i = 0; i < counts.length; i++) {
			seen += counts[i];
			if (seen >= rank) {
				return middleMicros(i) / 1000.0;
			}
		}
		return middleMicros(counts.length - 1) / 1000.0;
	}

}
