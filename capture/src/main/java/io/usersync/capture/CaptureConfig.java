package io.usersync.capture;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import io.usersync.schemas.ErasureBound;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.kafka.KafkaClientSettings;

/**
 * Everything the capture stage needs, immutable and typed. The app loads it from the environment and
 * validates it as a whole; this record only refuses values no caller should ever pass.
 *
 * @param database        where {@code auth.users} lives
 * @param kafka           the Kafka cluster to publish to, and how every client of capture connects
 * @param topic           the CDC topic ({@code usersync.auth.users.cdc} by default)
 * @param reservationsTopic where changes of {@code public.users(id, username)} go, so usernames set outside
 *                        the pipeline are never handed out again; null to not capture them
 * @param topicPartitions partitions of the CDC topic when capture creates it
 * @param slotName        logical replication slot, one per deployment
 * @param publicationName publication on {@code auth.users} and the heartbeat table
 * @param offsets         where Debezium keeps its position in the WAL
 * @param pollInterval    how long the engine waits for more changes before it hands over a batch
 * @param maxBatchSize    most changes in one batch
 * @param heartbeatInterval how often a heartbeat is written and captured, so the slot advances when
 *                        {@code auth.users} is idle
 * @param debezium        connector properties the operator passed through, on top of (and winning over) the
 *                        ones capture sets
 * @param deadLetterTopic where a change too big for Kafka is reported ({@code usersync.dlt} by default)
 * @param erasureBound    how long a deleted user's personal data may stay in the topics capture creates
 */
public record CaptureConfig(
        DatabaseSettings database,
        KafkaClientSettings kafka,
        String topic,
        String reservationsTopic,
        int topicPartitions,
        String slotName,
        String publicationName,
        OffsetStore offsets,
        Duration pollInterval,
        int maxBatchSize,
        Duration heartbeatInterval,
        DebeziumSettings debezium,
        String deadLetterTopic,
        ErasureBound erasureBound) {

    public static final String DEFAULT_SLOT = "usersync";
    public static final String DEFAULT_PUBLICATION = "usersync";
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(5);
    public static final int DEFAULT_MAX_BATCH_SIZE = 4096;
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);

    public CaptureConfig {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(slotName, "slotName");
        Objects.requireNonNull(publicationName, "publicationName");
        Objects.requireNonNull(offsets, "offsets");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(debezium, "debezium");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(erasureBound, "erasureBound");
        if (topicPartitions < 1 || maxBatchSize < 1) {
            throw new IllegalArgumentException("topicPartitions and maxBatchSize must be positive");
        }
    }

    /**
     * A configuration that reports to the default dead-letter topic, {@link TopicNames#DEAD_LETTERS}, under the default
     * erasure bound.
     */
    public CaptureConfig(DatabaseSettings database, KafkaClientSettings kafka, String topic, String reservationsTopic,
            int topicPartitions, String slotName, String publicationName, OffsetStore offsets, Duration pollInterval,
            int maxBatchSize, Duration heartbeatInterval, DebeziumSettings debezium) {
        this(database, kafka, topic, reservationsTopic, topicPartitions, slotName, publicationName, offsets, pollInterval,
                maxBatchSize, heartbeatInterval, debezium, TopicNames.DEAD_LETTERS, ErasureBound.DEFAULT);
    }

    /** Debezium's offsets: a Kafka topic in production, a file for a single embedded process. */
    public sealed interface OffsetStore {

        record KafkaTopic(String topic) implements OffsetStore {
        }

        record File(Path path) implements OffsetStore {
        }
    }
}
