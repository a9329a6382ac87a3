package io.usersync.app.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Latencies of one stage summarized: nearest-rank percentiles (the value below or at which p% of the
 * measurements lie, always one of the measurements), a histogram on a 1-2-3-5-7 scale and the percentile
 * curve for the report. Every value is in milliseconds; an empty distribution has count 0 and no values.
 */
public record Distribution(long count, Double minMs, Double p50Ms, Double p95Ms, Double p99Ms, Double maxMs,
        Double meanMs, List<Bucket> histogram, List<Point> percentiles) {

    /** Upper bounds of the histogram's buckets in ms; a last bucket takes everything above. */
    static final double[] BUCKET_BOUNDS_MS = bucketBounds();
    /** The percentiles the curve is drawn through (the maximum is added as the last point). */
    private static final double[] CURVE = {0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 98, 99,
            99.5, 99.9, 99.95, 99.99, 99.995, 99.999};

    /**
     * Bucket of the histogram: values in (previous bound, upToMs]; the first takes everything up to its bound,
     * and one with no bound (null) everything above the largest.
     */
    public record Bucket(Double upToMs, long count) {
    }

    /** A point of the percentile curve; {@code nines} is -log10(1 - p/100), the usual x axis for latency. */
    public record Point(double percentile, double nines, double valueMs) {
    }

    /** @param micros latencies in microseconds, in any order; not modified */
    public static Distribution ofMicros(long[] micros) {
        if (micros.length == 0) {
            return new Distribution(0, null, null, null, null, null, null, List.of(), List.of());
        }
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (long value : sorted) {
            sum += value;
        }
        return new Distribution(sorted.length, ms(sorted[0]), ms(percentile(sorted, 50)), ms(percentile(sorted, 95)),
                ms(percentile(sorted, 99)), ms(sorted[sorted.length - 1]), sum / sorted.length / 1000.0,
                histogram(sorted), curve(sorted));
    }

    /**
     * Nearest rank: the smallest value with at least p% of the values at or below it; p = 0 is the minimum,
     * p = 100 the maximum.
     *
     * @param sorted ascending, not empty
     */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("a percentile is from 0 to 100; got " + p);
        }
        // The epsilon keeps 99.9% of 1000 at rank 999 where floating point would say 999.0000000000001.
        int rank = (int) Math.ceil(p * sorted.length / 100.0 - 1e-9);
        return sorted[Math.max(rank, 1) - 1];
    }

    private static List<Bucket> histogram(long[] sorted) {
        long[] counts = new long[BUCKET_BOUNDS_MS.length + 1];
        int bucket = 0;
        for (long value : sorted) {
            double ms = value / 1000.0;
            while (bucket < BUCKET_BOUNDS_MS.length && ms > BUCKET_BOUNDS_MS[bucket]) {
                bucket++;
            }
            counts[bucket]++;
        }
        int first = 0;
        while (counts[first] == 0) {
            first++;
        }
        int last = counts.length - 1;
        while (counts[last] == 0) {
            last--;
        }
        List<Bucket> buckets = new ArrayList<>();
        for (int i = first; i <= last; i++) {
            buckets.add(new Bucket(i < BUCKET_BOUNDS_MS.length ? BUCKET_BOUNDS_MS[i] : null, counts[i]));
        }
        return buckets;
    }

    private static List<Point> curve(long[] sorted) {
        List<Point> points = new ArrayList<>();
        for (double p : CURVE) {
            // Beyond 1 - 1/n a percentile is only the maximum again.
            if (p == 0 || (1 - p / 100) * sorted.length >= 1 - 1e-9) {
                points.add(new Point(p, nines(p), ms(percentile(sorted, p))));
            }
        }
        points.add(new Point(100, Math.log10(sorted.length), ms(sorted[sorted.length - 1])));
        return points;
    }

    private static double nines(double p) {
        return -Math.log10(1 - p / 100);
    }

    private static double[] bucketBounds() {
        double[] steps = {1, 2, 3, 5, 7};
        List<Double> bounds = new ArrayList<>();
        for (int exponent = -1; exponent <= 5; exponent++) {
            for (double step : steps) {
                bounds.add(Math.round(Math.pow(10, exponent) * step * 10) / 10.0);
            }
        }
        return bounds.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
