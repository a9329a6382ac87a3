package io.usersync.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class OpenLoopDriverTest {

    /** Time that passes only when the driver waits or a fake insert takes some. */
    private static final class FakeClock implements OpenLoopDriver.Clock {
        private final AtomicLong now = new AtomicLong(1_000_000_000L);

        @Override
        public long nanoTime() {
            return now.get();
        }

        @Override
        public void parkUntil(long deadlineNanos) {
            now.accumulateAndGet(deadlineNanos, Math::max);
        }

        void advance(long nanos) {
            now.addAndGet(nanos);
        }
    }

    private static OpenLoopDriver.Connections taking(FakeClock clock, long nanosEach) {
        return () -> index -> clock.advance(nanosEach);
    }

    @Test
    void shouldReportTheMissedScheduleWhenInsertsAreSlowerThanTheRate() throws Exception {
        FakeClock clock = new FakeClock();

        // 1,000 sign-ups due over one second, one connection, each insert taking 2 ms: half the rate.
        OpenLoopDriver.Schedule schedule = new OpenLoopDriver(clock).run(1000, 1000, 1, taking(clock, 2_000_000));
        OpenLoopDriver.Summary summary = schedule.summary(1);

        assertThat(summary.behindSchedule()).isTrue();
        assertThat(summary.latenessMaxMs()).isEqualTo(999.0);
        assertThat(summary.latenessP99Ms()).isGreaterThan(900.0);
        assertThat(summary.achievedRate()).isEqualTo(500.0);
        // Each commit came 2 ms after its insert started, but a user due on time waited up to a second.
        assertThat(schedule.committedNanos(999) - schedule.startedNanos(999)).isEqualTo(2_000_000);
        assertThat(Distribution.ofMicros(schedule.dueToCommitMicros()).maxMs()).isEqualTo(1001.0);
    }

    @Test
    void shouldKeepEverySignUpDueAtItsOwnTimeWhenItFallsBehind() throws Exception {
        FakeClock clock = new FakeClock();

        OpenLoopDriver.Schedule schedule = new OpenLoopDriver(clock).run(100, 50, 1, taking(clock, 50_000_000));

        // Due times stay t0 + i/rate; the driver does not stretch its schedule to the slow inserts.
        assertThat(schedule.dueNanos(49) - schedule.t0Nanos()).isEqualTo(490_000_000L);
        assertThat(schedule.startedNanos(49) - schedule.t0Nanos()).isEqualTo(49 * 50_000_000L);
    }

    @Test
    void shouldStayOnScheduleWhenInsertsKeepUp() throws Exception {
        FakeClock clock = new FakeClock();

        OpenLoopDriver.Schedule schedule = new OpenLoopDriver(clock).run(500, 1000, 1, taking(clock, 100_000));
        OpenLoopDriver.Summary summary = schedule.summary(1);

        assertThat(summary.behindSchedule()).isFalse();
        assertThat(summary.latenessMaxMs()).isZero();
        assertThat(summary.signUps()).isEqualTo(1000);
        assertThat(schedule.startedNanos(999) - schedule.t0Nanos()).isEqualTo(999 * 2_000_000L);
    }

    @Test
    void shouldMakeEverySignUpExactlyOnceOverSeveralConnections() throws Exception {
        Set<Integer> made = ConcurrentHashMap.newKeySet();
        AtomicLong calls = new AtomicLong();

        new OpenLoopDriver(new FakeClock()).run(10_000, 2000, 4, () -> index -> {
            made.add(index);
            calls.incrementAndGet();
        });

        assertThat(made).hasSize(2000);
        assertThat(calls).hasValue(2000);
    }

    @Test
    void shouldStopAtTheFirstFailedInsertAndFailWithItsError() {
        AtomicLong calls = new AtomicLong();

        assertThatThrownBy(() -> new OpenLoopDriver(new FakeClock()).run(1000, 1000, 1, () -> index -> {
            calls.incrementAndGet();
            if (index == 10) {
                throw new IllegalStateException("insert failed");
            }
        })).hasMessage("insert failed");
        assertThat(calls).hasValue(11);
    }
}
