package io.usersync.processor.topology;

import java.time.Duration;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Asks for the task's commit as soon as the inputs processed since the last one are worth it. With
 * exactly-once nothing a task writes is visible before its commit, and every commit costs a few round trips
 * to the broker. A user who just signed up should not wait for more than {@code interval}; an input that
 * already waited a second in a backlog (a backfill, a restart) loses nothing by waiting a little longer, and
 * fewer, larger transactions drain the backlog faster. So the first input since the last commit waits at most
 * a {@link #LAG_SHARE share} of what it had waited before it was processed, never less than {@code interval},
 * never more than {@code catchUp} (Streams' own commit interval, which commits on its own).
 */
final class CommitPacer {

    /** The first input since the last commit waits for it at most 1/LAG_SHARE of its age when processed. */
    static final int LAG_SHARE = 4;

    private final ProcessorContext<?, ?> context;
    private final long intervalMs;
    private final long catchUpMs;
    private boolean pending;
    private long firstProcessedAt;
    private long firstAge;

    /**
     * @param interval how often to check, and the longest a fresh input waits for its commit
     * @param catchUp  the longest any input waits for a commit this pacer asks for
     */
    CommitPacer(ProcessorContext<?, ?> context, Duration interval, Duration catchUp) {
        this.context = context;
        this.intervalMs = interval.toMillis();
        this.catchUpMs = catchUp.toMillis();
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::commitIfDue);
    }

    /** Notes an input the task has processed, by its record timestamp (when it was written to Kafka). */
    void processed(long timestamp) {
        if (!pending) {
            pending = true;
            firstProcessedAt = context.currentSystemTimeMs();
            firstAge = Math.max(0, firstProcessedAt - timestamp);
        }
    }

    private void commitIfDue(long now) {
        if (pending && now - firstProcessedAt >= Math.min(catchUpMs, Math.max(intervalMs, firstAge / LAG_SHARE))) {
            pending = false;
            context.commit();
        }
    }
}
