package io.usersync.sink;

import java.time.Duration;
import java.util.Objects;

import io.usersync.schemas.TopicNames;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.kafka.KafkaClientSettings;

/**
 * The sink's configuration, immutable and typed.
 *
 * @param database       database holding {@code public.users} and {@code usersync.sink_offsets}
 * @param kafka          the Kafka cluster and how the sink's clients connect to it
 * @param profilesTopic  compacted profiles to apply
 * @param deadLetterTopic where profiles that can never be written go
 * @param groupId        consumer group; also the key of the stored offsets
 * @param batchSize      flush when this many users are buffered
 * @param batchAge       flush when the oldest buffered profile is this old
 * @param deleteMode     what a tombstone does to the row
 * @param poolSize       database connections
 * @param retryBackoff   first wait after a transient failure; doubles up to {@code maxRetryBackoff}
 * @param retryJitter    0 to 1: how much of each wait is random ({@link Backoff}), so many sinks do not retry in step
 * @param usernameWait   how long a profile refused for a username another row holds waits, its partition held back
 *                       from it, for that row's own change to free the username before it is dead-lettered: the change
 *                       that freed it may be on another partition, not written yet (or its sink instance just died)
 * @param groupInstanceId this instance's static membership id, stable across its restarts: a restart after a crash
 *                       takes its partitions back at once instead of after the session timeout; null for a dynamic
 *                       member
 */
public record SinkConfig(
        DatabaseSettings database,
        KafkaClientSettings kafka,
        String profilesTopic,
        String deadLetterTopic,
        String groupId,
        int batchSize,
        Duration batchAge,
        DeleteMode deleteMode,
        int poolSize,
        Duration retryBackoff,
        Duration maxRetryBackoff,
        double retryJitter,
        Duration usernameWait,
        String groupInstanceId) {

    public static final String DEFAULT_GROUP_ID = "usersync-sink";
    public static final int DEFAULT_BATCH_SIZE = 500;
    /**
     * Write what each poll returns at once: batches grow by themselves under load (records pile up while a
     * batch is written), and a quiet stream pays no wait for company.
     */
    public static final Duration DEFAULT_BATCH_AGE = Duration.ZERO;
    public static final DeleteMode DEFAULT_DELETE_MODE = DeleteMode.HARD;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofSeconds(5);
    /** Each wait is random in its upper half. */
    public static final double DEFAULT_RETRY_JITTER = 0.5;
    /** Several times what a sink instance's failover takes (its 6 s session, then a rebalance). */
    public static final Duration DEFAULT_USERNAME_WAIT = Duration.ofSeconds(30);

    /**
     * How long the sink remembers a delete it applied (migration V9): as long as a profile older than it can still come,
     * which a redrive of a dead letter can do while the dead-letter topic keeps it, and a day more.
     */
    public static final Duration DELETES_REMEMBERED = TopicNames.DEAD_LETTERS_RETENTION.plusDays(1);

    /** What a tombstone does: delete the row, or keep it with {@code deleted_at} set and personal data cleared. */
    public enum DeleteMode { HARD, SOFT }

    public SinkConfig {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(profilesTopic, "profilesTopic");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(batchAge, "batchAge");
        Objects.requireNonNull(deleteMode, "deleteMode");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        Objects.requireNonNull(maxRetryBackoff, "maxRetryBackoff");
        Objects.requireNonNull(usernameWait, "usernameWait");
        if (batchSize < 1 || poolSize < 1) {
            throw new IllegalArgumentException("batchSize and poolSize must be positive");
        }
        if (retryBackoff.toMillis() < 1 || maxRetryBackoff.compareTo(retryBackoff) < 0) {
            throw new IllegalArgumentException("retryBackoff must be at least 1 ms and maxRetryBackoff at least retryBackoff");
        }
        if (!(retryJitter >= 0 && retryJitter <= 1)) {
            throw new IllegalArgumentException("retryJitter must be from 0 to 1");
        }
    }

    /** With the default jitter and username wait, as a dynamic member of its group. */
    public SinkConfig(DatabaseSettings database, KafkaClientSettings kafka, String profilesTopic, String deadLetterTopic,
            String groupId, int batchSize, Duration batchAge, DeleteMode deleteMode, int poolSize, Duration retryBackoff,
            Duration maxRetryBackoff) {
        this(database, kafka, profilesTopic, deadLetterTopic, groupId, batchSize, batchAge, deleteMode, poolSize,
                retryBackoff, maxRetryBackoff, DEFAULT_RETRY_JITTER, DEFAULT_USERNAME_WAIT, null);
    }

    public SinkConfig withBatchSize(int size) {
        return new SinkConfig(database, kafka, profilesTopic, deadLetterTopic, groupId, size,
                batchAge, deleteMode, poolSize, retryBackoff, maxRetryBackoff, retryJitter, usernameWait, groupInstanceId);
    }

    public SinkConfig withUsernameWait(Duration wait) {
        return new SinkConfig(database, kafka, profilesTopic, deadLetterTopic, groupId, batchSize,
                batchAge, deleteMode, poolSize, retryBackoff, maxRetryBackoff, retryJitter, wait, groupInstanceId);
    }

    public SinkConfig withGroupInstanceId(String id) {
        return new SinkConfig(database, kafka, profilesTopic, deadLetterTopic, groupId, batchSize,
                batchAge, deleteMode, poolSize, retryBackoff, maxRetryBackoff, retryJitter, usernameWait, id);
    }
}
