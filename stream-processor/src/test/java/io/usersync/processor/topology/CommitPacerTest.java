package io.usersync.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CommitPacerTest {

    private static final Duration INTERVAL = Duration.ofMillis(10);
    private static final Duration CATCH_UP = Duration.ofMillis(200);
    private static final long START = 1_000_000;

    private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    private CommitPacer pacer;

    @BeforeEach
    void setUp() {
        context.setCurrentSystemTimeMs(START);
        pacer = new CommitPacer(context, INTERVAL, CATCH_UP);
    }

    /** The wall clock moves on by {@code ms} and the punctuator runs, as Streams runs it between polls. */
    private boolean tickAfter(long ms) {
        context.resetCommit();
        context.setCurrentSystemTimeMs(context.currentSystemTimeMs() + ms);
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(context.currentSystemTimeMs());
        return context.committed();
    }

    @Test
    void shouldCheckEveryIntervalOfTheWallClock() {
        assertThat(context.scheduledPunctuators()).singleElement().satisfies(punctuator -> {
            assertThat(punctuator.getInterval()).isEqualTo(INTERVAL);
            assertThat(punctuator.getType()).isEqualTo(PunctuationType.WALL_CLOCK_TIME);
        });
    }

    @Test
    void shouldAskForACommitOneIntervalAfterAFreshInput() {
        pacer.processed(START - 3);

        assertThat(tickAfter(9)).isFalse();
        assertThat(tickAfter(1)).isTrue();
    }

    @Test
    void shouldAskOnceForAllInputsSinceTheLastCommitAndNotAgainWithoutNewOnes() {
        pacer.processed(START - 3);
        pacer.processed(START - 1);
        assertThat(tickAfter(10)).isTrue();

        assertThat(tickAfter(10)).isFalse();
        assertThat(tickAfter(500)).isFalse();
    }

    @Test
    void shouldLetAnInputThatWaitedLongWaitAQuarterOfThatForItsCommit() {
        pacer.processed(START - 100);

        assertThat(tickAfter(20)).isFalse();
        assertThat(tickAfter(5)).as("100 ms old: 25 ms").isTrue();
    }

    @Test
    void shouldNeverWaitLongerThanTheCatchUpInterval() {
        pacer.processed(START - 60_000);

        assertThat(tickAfter(199)).isFalse();
        assertThat(tickAfter(1)).isTrue();
    }

    @Test
    void shouldPaceByTheFirstInputSinceTheLastCommit() {
        pacer.processed(START - 3);
        context.setCurrentSystemTimeMs(START + 5);
        pacer.processed(START - 5_000);

        assertThat(tickAfter(5)).as("the fresh one waits 10 ms, not a quarter of the old one's age").isTrue();
    }
}
