package io.usersync.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The initial load's figures, from the rows Kafka acknowledged and the table's row count, as time goes by. */
class LoadProgressTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AtomicLong rowCount = new AtomicLong(10_000);
    private final LoadProgress load = new LoadProgress(() -> OptionalLong.of(rowCount.get()), Runnable::run, now::get);

    @Test
    void shouldGiveUsersLoadedOfTheTotalTheRateOfTheLastIntervalAndTheTimeLeftAtIt() {
        load.acknowledged(1_000, false);
        now.addAndGet(5_000);
        load.report();

        assertThat(load.running()).isTrue();
        assertThat(load.loaded()).isEqualTo(1_000);
        assertThat(load.total()).isEqualTo(10_000);
        assertThat(load.perSecond()).isEqualTo(200);
        assertThat(load.secondsLeft()).isEqualTo(45);

        load.acknowledged(2_000, false);
        rowCount.set(20_000);
        now.addAndGet(5_000);
        load.report();

        assertThat(load.total()).as("the count when the load began").isEqualTo(10_000);
        assertThat(load.perSecond()).isEqualTo(400);
        assertThat(load.secondsLeft()).isEqualTo(17.5);
    }

    @Test
    void shouldEndTheLoadAtItsLastRowAndKeepItsCount() {
        load.acknowledged(9_999, false);
        load.acknowledged(1, true);
        now.addAndGet(5_000);
        load.report();

        assertThat(load.running()).isFalse();
        assertThat(load.loaded()).isEqualTo(10_000);
        assertThat(load.perSecond()).isNaN();
        assertThat(load.secondsLeft()).isNaN();
    }

    @Test
    void shouldCountALoadThatStartsAgainFromZero() {
        load.acknowledged(4_000, false);
        now.addAndGet(5_000);
        load.report();
        load.acknowledged(10, true);
        load.report();
        rowCount.set(20_000);

        load.acknowledged(3, false);

        assertThat(load.running()).isTrue();
        assertThat(load.loaded()).isEqualTo(3);
        assertThat(load.total()).as("counted again as it began").isEqualTo(20_000);
    }

    @Test
    void shouldCountALoadCutShortByAStoppedEngineFromZeroWhenItStartsOver() {
        load.acknowledged(4_000, false);
        load.stopped();

        assertThat(load.running()).isFalse();
        assertThat(load.loaded()).as("not a load done").isZero();
        load.acknowledged(1_000, false);
        assertThat(load.running()).isTrue();
        assertThat(load.loaded()).isEqualTo(1_000);
    }

    @Test
    void shouldTakeTheTotalAsTheLoadBeginsNotAsItIsReported() {
        load.acknowledged(100, false);
        rowCount.set(10_500);
        now.addAndGet(5_000);
        load.report();

        assertThat(load.total()).isEqualTo(10_000);
    }

    @Test
    void shouldStayIdleOnBatchesWithoutARowOfALoad() {
        load.acknowledged(0, false);
        now.addAndGet(5_000);
        load.report();

        assertThat(load.running()).isFalse();
        assertThat(load.loaded()).isZero();
        assertThat(load.total()).isNaN();
    }

    @Test
    void shouldNotGuessTheTimeLeftWithoutATotal() {
        LoadProgress uncounted = new LoadProgress(OptionalLong::empty, Runnable::run, now::get);
        uncounted.acknowledged(500, false);
        now.addAndGet(5_000);
        uncounted.report();

        assertThat(uncounted.perSecond()).isEqualTo(100);
        assertThat(uncounted.total()).isNaN();
        assertThat(uncounted.secondsLeft()).isNaN();
    }
}
