package io.usersync.sink;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.sink.batch.Batch;
import io.usersync.sink.write.Failure;
import io.usersync.sink.write.ProfileWriter;

/**
 * The {@link ProfileWriter} with its failures classified: a transient one (connection lost, serialization
 * failure, deadlock, shutdown) turns health DOWN and is retried with backoff, without limit while the
 * database is down and the caller wants to go on; anything else throws, which stops the sink.
 */
final class RetryingProfileWriter {

    private static final Logger log = LoggerFactory.getLogger(RetryingProfileWriter.class);

    /** What the caller does between two attempts, for the given backoff. */
    @FunctionalInterface
    interface Wait {
        void waitFor(Duration backoff);
    }

    /** A batch written: the writer's counts, how long the attempt that succeeded took, and when it committed. */
    record Written(ProfileWriter.Result result, Duration took, Instant committedAt) {
    }

    private final ProfileWriter writer;
    private final SinkConfig config;
    private final SinkHealthTracker health;
    private final SinkMetrics metrics;

    RetryingProfileWriter(ProfileWriter writer, SinkConfig config, SinkHealthTracker health, SinkMetrics metrics) {
        this.writer = writer;
        this.config = config;
        this.health = health;
        this.metrics = metrics;
    }

    /** Writes the batch with its offsets; null when {@code keepTrying} said stop before it went through. */
    Written write(Batch batch, ProfileWriter.RejectedWrites rejected, BooleanSupplier keepTrying, Wait waitBeforeRetry) {
        Backoff backoff = backoff();
        while (keepTrying.getAsBoolean()) {
            long started = System.nanoTime();
            try {
                ProfileWriter.Result result = writer.write(batch, rejected);
                return new Written(result, Duration.ofNanos(System.nanoTime() - started), Instant.now());
            } catch (SQLException e) {
                if (Failure.of(e) != Failure.TRANSIENT) {
                    throw new IllegalStateException("cannot write to public.users: " + Failure.describe(e), e);
                }
                health.paused("database unavailable: " + Failure.describe(e));
                metrics.retry();
                waitBeforeRetry.waitFor(backoff.next());
            }
        }
        return null;
    }

    /** The offsets stored for these partitions (absent: none stored); null when {@code keepTrying} said stop. */
    Map<TopicPartition, Long> storedOffsets(Collection<TopicPartition> partitions, BooleanSupplier keepTrying,
            Wait waitBeforeRetry) {
        Backoff backoff = backoff();
        while (keepTrying.getAsBoolean()) {
            try {
                return writer.storedOffsets(partitions);
            } catch (SQLException e) {
                if (Failure.of(e) != Failure.TRANSIENT) {
                    throw new IllegalStateException("cannot read stored offsets: " + Failure.describe(e), e);
                }
                health.down("database unavailable: " + Failure.describe(e));
                waitBeforeRetry.waitFor(backoff.next());
            }
        }
        return null;
    }

    /**
     * Forgets the deletes the sink applied longer ago than {@link SinkConfig#DELETES_REMEMBERED}, once; housekeeping,
     * so a failure is logged, not retried, and the next round tries again.
     */
    void forgetOldDeletes() {
        try {
            int forgotten = writer.forgetDeletesOlderThan(SinkConfig.DELETES_REMEMBERED);
            if (forgotten > 0) {
                log.info("Sink forgot {} deletes applied more than {} days ago", forgotten, SinkConfig.DELETES_REMEMBERED.toDays());
            }
        } catch (SQLException e) {
            log.warn("Sink could not forget old deletes, tries again later: {}", Failure.describe(e));
        }
    }

    /** Checks once that the database answers; false (health DOWN) while it is transiently unavailable. */
    boolean ping() {
        try {
            writer.ping();
            return true;
        } catch (SQLException e) {
            if (Failure.of(e) != Failure.TRANSIENT) {
                throw new IllegalStateException("cannot reach the database: " + Failure.describe(e), e);
            }
            health.unavailableWhileIdle(Failure.describe(e));
            return false;
        }
    }

    private Backoff backoff() {
        return new Backoff(config.retryBackoff(), config.maxRetryBackoff(), config.retryJitter());
    }
}
