package io.smartstick.dashboard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The last minute of one backend, built by the sampler from the running totals of
 * {@link io.smartstick.balancer.Backend#requests()} and {@link BackendTraffic}: one point
 * per sample for the sparklines (requests per second, p99 latency, error rate), and the
 * rates and percentiles over the whole minute. Not thread-safe: the sampler guards it.
 *
 * @author smart-stick
 */
final class BackendSeries {

	/**
	 * Length of the window the minute's percentiles are read from, in latency slots.
	 */
	private static final int SLOTS = 6;

	private final int points;

	private final long slotNanos;

	private final long[] previousLatency = new long[LatencyBuckets.COUNT];

	private final long[][] slots = new long[SLOTS][LatencyBuckets.COUNT];

	private final long[] slotStart = new long[SLOTS];

	private final long[] slotTotals = new long[SLOTS];

	private long previousEnded;

	private int slot = -1;

	/** Per point: time, request total, ended-exchange total, error total (rings). */
	private final long[] times;

	private final long[] requests;

	private final long[] ended;

	private final long[] errors;

	private final float[] rps;

	private final float[] p99;

	private final float[] errorRate;

	private int next;

	private int size;

	/**
	 * Create an empty series.
	 * @param points number of points kept: one minute of samples
	 * @param slotNanos length of one latency slot; {@value #SLOTS} of them make the minute
	 */
	BackendSeries(int points, long slotNanos) {
		this.points = points;
		this.slotNanos = slotNanos;
		this.times = new long[points + 1];
		this.requests = new long[points + 1];
		this.ended = new long[points + 1];
		this.errors = new long[points + 1];
		this.rps = new float[points];
		this.p99 = new float[points];
		this.errorRate = new float[points];
	}

	/**
	 * Add a sample.
	 * @param now the time of the sample, from {@link System#nanoTime()}
	 * @param requestTotal requests started so far
	 * @param traffic the backend's running totals
	 * @param scratch an array of {@link LatencyBuckets#COUNT} to work in
	 */
	void sample(long now, long requestTotal, BackendTraffic traffic, long[] scratch) {
		long endedTotal = traffic.latencyTotals(scratch);
		long errorTotal = traffic.errors();
		long[] current = currentSlot(now);
		long endedNow = endedTotal - this.previousEnded;
		this.previousEnded = endedTotal;
		this.slotTotals[this.slot] += endedNow;
		// no sum in this loop and a branch in it: HotSpot 17's C2 once crashed (TypeVect::xmeet,
		// ShouldNotReachHere) vectorizing the earlier form, which summed the deltas as it went
		for (int i = 0; i < scratch.length; i++) {
			long total = scratch[i];
			long delta = total - this.previousLatency[i];
			if (delta != 0) {
				this.previousLatency[i] = total;
				current[i] += delta;
			}
			scratch[i] = delta;
		}
		int index = this.next;
		int ring = this.points + 1;
		this.times[index % ring] = now;
		this.requests[index % ring] = requestTotal;
		this.ended[index % ring] = endedTotal;
		this.errors[index % ring] = errorTotal;
		if (this.size > 0) {
			int previous = (index - 1) % ring;
			double seconds = Math.max(now - this.times[previous], 1) / 1e9;
			long errorsNow = errorTotal - this.errors[previous];
			int point = (index - 1) % this.points;
			// rounded, as the points are sent as JSON
			this.rps[point] = Math.round((requestTotal - this.requests[previous]) / seconds * 100) / 100f;
			Double p99 = LatencyBuckets.percentileMillis(scratch, endedNow, 0.99);
			this.p99[point] = (p99 != null) ? Math.round(p99 * 100) / 100f : Float.NaN;
			this.errorRate[point] = (endedNow > 0) ? Math.round((double) errorsNow / endedNow * 10000) / 10000f
					: Float.NaN;
		}
		this.next = index + 1;
		this.size = Math.min(this.size + 1, ring);
	}

	private long[] currentSlot(long now) {
		if (this.slot < 0 || now - this.slotStart[this.slot] >= this.slotNanos) {
			this.slot = (this.slot + 1) % SLOTS;
			this.slotStart[this.slot] = now;
			this.slotTotals[this.slot] = 0;
			Arrays.fill(this.slots[this.slot], 0);
		}
		return this.slots[this.slot];
	}

	/**
	 * Return requests per second over the last minute.
	 * @return the rate, 0 before the second sample
	 */
	double requestRate() {
		if (this.size < 2) {
			return 0;
		}
		int newest = (this.next - 1) % (this.points + 1);
		int oldest = (this.next - this.size) % (this.points + 1);
		double seconds = Math.max(this.times[newest] - this.times[oldest], 1) / 1e9;
		return (this.requests[newest] - this.requests[oldest]) / seconds;
	}

	/**
	 * Return the share of failed exchanges (5xx or no answer) over the last minute.
	 * @return the rate from 0 to 1, or {@code null} when no exchange ended
	 */
	Double errorRate() {
		long ended = endedInMinute();
		return (ended > 0) ? (double) errorsInMinute() / ended : null;
	}

	/**
	 * Return the number of exchanges that ended over the last minute, cancelled ones left
	 * out.
	 * @return the count
	 */
	long endedInMinute() {
		return inMinute(this.ended);
	}

	/**
	 * Return the number of failed exchanges over the last minute.
	 * @return the count
	 */
	long errorsInMinute() {
		return inMinute(this.errors);
	}

	private long inMinute(long[] totals) {
		if (this.size < 2) {
			return 0;
		}
		int newest = (this.next - 1) % (this.points + 1);
		int oldest = (this.next - this.size) % (this.points + 1);
		return totals[newest] - totals[oldest];
	}

	/**
	 * Return latency percentiles over the last minute.
	 * @param percentiles such as 0.5 and 0.99
	 * @param scratch an array of {@link LatencyBuckets#COUNT} to work in
	 * @return the latency in milliseconds of each percentile, each {@code null} when no
	 * exchange ended
	 */
	Double[] latency(long[] scratch, double... percentiles) {
		Arrays.fill(scratch, 0);
		long total = 0;
		for (int slot = 0; slot < SLOTS; slot++) {
			long[] counts = this.slots[slot];
			total += this.slotTotals[slot];
			for (int i = 0; i < counts.length; i++) {
				scratch[i] += counts[i];
			}
		}
		Double[] latencies = new Double[percentiles.length];
		for (int i = 0; i < percentiles.length; i++) {
			latencies[i] = LatencyBuckets.percentileMillis(scratch, total, percentiles[i]);
		}
		return latencies;
	}

	/**
	 * Return the newest point of each sparkline.
	 * @return requests per second, p99 in milliseconds and error rate, {@code null} where
	 * unknown; {@code null} before the second sample
	 */
	List<Float> newestPoint() {
		if (this.size < 2) {
			return null;
		}
		int point = (this.next - 2) % this.points;
		return point(point);
	}

	/**
	 * Return every point of the sparklines, oldest first.
	 * @return the points, each as {@link #newestPoint()}
	 */
	List<List<Float>> history() {
		int count = Math.max(this.size - 1, 0);
		List<List<Float>> history = new ArrayList<>(count);
		for (int i = count; i >= 1; i--) {
			history.add(point((this.next - 1 - i) % this.points));
		}
		return history;
	}

	private List<Float> point(int index) {
		List<Float> point = new ArrayList<>(3);
		point.add(this.rps[index]);
		point.add(Float.isNaN(this.p99[index]) ? null : this.p99[index]);
		point.add(Float.isNaN(this.errorRate[index]) ? null : this.errorRate[index]);
		return point;
	}

}
