package io.usersync.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

class DistributionTest {

    private static long[] millis(long... values) {
        return LongStream.of(values).map(v -> v * 1000).toArray();
    }

    @Test
    void shouldGiveTheNearestRankPercentilesOfOneToAHundred() {
        Distribution d = Distribution.ofMicros(LongStream.rangeClosed(1, 100).map(v -> v * 1000).toArray());

        assertThat(d.count()).isEqualTo(100);
        assertThat(d.p50Ms()).isEqualTo(50.0);
        assertThat(d.p95Ms()).isEqualTo(95.0);
        assertThat(d.p99Ms()).isEqualTo(99.0);
        assertThat(d.maxMs()).isEqualTo(100.0);
        assertThat(d.minMs()).isEqualTo(1.0);
        assertThat(d.meanMs()).isEqualTo(50.5);
    }

    @Test
    void shouldNotDependOnTheOrderOfTheValues() {
        Distribution d = Distribution.ofMicros(millis(9, 1, 5, 3, 7));

        assertThat(d.p50Ms()).isEqualTo(5.0);
        assertThat(d.maxMs()).isEqualTo(9.0);
    }

    @Test
    void shouldHaveNoValuesWhenThereAreNoMeasurements() {
        Distribution d = Distribution.ofMicros(new long[0]);

        assertThat(d.count()).isZero();
        assertThat(d.p50Ms()).isNull();
        assertThat(d.p99Ms()).isNull();
        assertThat(d.maxMs()).isNull();
        assertThat(d.histogram()).isEmpty();
        assertThat(d.percentiles()).isEmpty();
    }

    @Test
    void shouldGiveTheOneValueForEveryPercentileOfOneMeasurement() {
        Distribution d = Distribution.ofMicros(millis(42));

        assertThat(d.p50Ms()).isEqualTo(42.0);
        assertThat(d.p95Ms()).isEqualTo(42.0);
        assertThat(d.p99Ms()).isEqualTo(42.0);
        assertThat(d.maxMs()).isEqualTo(42.0);
        assertThat(d.percentiles()).extracting(Distribution.Point::valueMs).containsOnly(42.0);
    }

    @Test
    void shouldGiveTheTiedValueWhenMostMeasurementsAreEqual() {
        Distribution d = Distribution.ofMicros(millis(10, 10, 10, 10, 10, 10, 10, 10, 10, 500));

        assertThat(d.p50Ms()).isEqualTo(10.0);
        assertThat(d.p95Ms()).isEqualTo(500.0);
        assertThat(d.maxMs()).isEqualTo(500.0);
    }

    @Test
    void shouldGiveTheMaximumAtP100AndTheMinimumAtP0() {
        long[] sorted = {1, 2, 3, 4};

        assertThat(Distribution.percentile(sorted, 100)).isEqualTo(4);
        assertThat(Distribution.percentile(sorted, 0)).isEqualTo(1);
        assertThat(Distribution.percentile(sorted, 25)).isEqualTo(1);
        assertThat(Distribution.percentile(sorted, 25.1)).isEqualTo(2);
    }

    @Test
    void shouldNotLetFloatingPointPushP999OfAThousandToTheMaximum() {
        long[] sorted = LongStream.rangeClosed(1, 1000).toArray();

        assertThat(Distribution.percentile(sorted, 99.9)).isEqualTo(999);
    }

    @Test
    void shouldRefuseAPercentileOfNothingOrOutsideZeroToAHundred() {
        assertThatThrownBy(() -> Distribution.percentile(new long[0], 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Distribution.percentile(new long[] {1}, 100.1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCountEveryMeasurementOnceInTheHistogram() {
        Distribution d = Distribution.ofMicros(millis(0, 1, 1, 2, 6, 6, 6, 900, 2_000_000));

        assertThat(d.histogram()).filteredOn(b -> b.count() > 0).containsExactly(new Distribution.Bucket(0.1, 1),
                new Distribution.Bucket(1.0, 2), new Distribution.Bucket(2.0, 1), new Distribution.Bucket(7.0, 3),
                new Distribution.Bucket(1000.0, 1), new Distribution.Bucket(null, 1));
        assertThat(d.histogram()).extracting(Distribution.Bucket::count).containsOnly(0L, 1L, 2L, 3L)
                .satisfies(counts -> assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(9));
        assertThat(d.histogram().get(0).upToMs()).isEqualTo(0.1);
        assertThat(d.histogram().get(d.histogram().size() - 1).upToMs()).isNull();
    }

    @Test
    void shouldEndThePercentileCurveAtTheMaximum() {
        Distribution d = Distribution.ofMicros(LongStream.rangeClosed(1, 1000).map(v -> v * 1000).toArray());

        Distribution.Point last = d.percentiles().get(d.percentiles().size() - 1);
        assertThat(last.percentile()).isEqualTo(100);
        assertThat(last.valueMs()).isEqualTo(1000.0);
        assertThat(last.nines()).isEqualTo(3.0);
        assertThat(d.percentiles()).extracting(Distribution.Point::percentile).contains(50.0, 99.0, 99.9)
                .doesNotContain(99.99);
    }
}
