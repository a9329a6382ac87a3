package io.usersync.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import io.usersync.processor.deadletter.DeadLetterDeserializationHandler;
import io.usersync.processor.deadletter.DeadLetterProcessingHandler;
import io.usersync.schemas.ErasureBound;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.kafka.KafkaClientSettings;

/**
 * The stream processor's configuration, immutable and typed.
 *
 * @param applicationId        Kafka Streams application id: consumer group, state and internal topics
 * @param kafka                the Kafka cluster and how Streams' clients connect to it
 * @param cdcTopic             Debezium change events of {@code auth.users}
 * @param reservationsTopic    Debezium change events of {@code public.users(id, username)}: usernames set
 *                             outside the pipeline, never handed out again; null when not captured
 * @param profilesTopic        normalized profiles, compacted
 * @param eventsTopic          domain events
 * @param deadLetterTopic      inputs that cannot become a profile
 * @param partitions           partitions of the internal username topics; equal to the CDC topic's
 * @param keepReleasedUsernames when true, a deleted user's username stays reserved
 * @param stateDirectory       where the state stores live
 * @param commitInterval       how often Streams commits: with exactly-once a profile becomes visible only then, so it
 *                             bounds latency; at least once, it bounds the input a crash makes the processor read again
 * @param guarantee            at least once (the default: outputs leave at once, a crash can repeat the newest) or
 *                             exactly once (outputs become visible at each commit, never twice)
 * @param groupInstanceId      this instance's static membership id, stable across its restarts: a restart after a
 *                             crash takes its tasks back at once instead of after the session timeout; null for a
 *                             dynamic member
 * @param erasureBound         how long a deleted user's personal data may stay in the topics: the settings of the
 *                             ones the processor creates (its stores' changelogs among them) and of those it finds
 */
public record ProcessorConfig(
        String applicationId,
        KafkaClientSettings kafka,
        String cdcTopic,
        String reservationsTopic,
        String profilesTopic,
        String eventsTopic,
        String deadLetterTopic,
        int partitions,
        boolean keepReleasedUsernames,
        Path stateDirectory,
        Duration commitInterval,
        Guarantee guarantee,
        String groupInstanceId,
        ErasureBound erasureBound) {

    public static final String DEFAULT_APPLICATION_ID = "usersync-processor";
    public static final Guarantee DEFAULT_GUARANTEE = Guarantee.AT_LEAST_ONCE;
    public static final boolean DEFAULT_KEEP_RELEASED_USERNAMES = false;
    /** How long a dead instance keeps its tasks. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
    static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(500);
    static final int GLOBAL_FETCH_MIN_BYTES = 256 * 1024;
    static final int GLOBAL_FETCH_MAX_WAIT_MS = 100;

    public ProcessorConfig {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(cdcTopic, "cdcTopic");
        Objects.requireNonNull(profilesTopic, "profilesTopic");
        Objects.requireNonNull(eventsTopic, "eventsTopic");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(commitInterval, "commitInterval");
        Objects.requireNonNull(guarantee, "guarantee");
        Objects.requireNonNull(erasureBound, "erasureBound");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be positive");
        }
    }

    /** Defaults for every topic name, for the given cluster and state directory. */
    public static ProcessorConfig defaults(String bootstrapServers, int partitions, Path stateDirectory) {
        return new ProcessorConfig(DEFAULT_APPLICATION_ID, KafkaClientSettings.bootstrapServers(bootstrapServers),
                TopicNames.CDC, TopicNames.USERNAME_RESERVATIONS, TopicNames.PROFILES, TopicNames.EVENTS,
                TopicNames.DEAD_LETTERS, partitions, DEFAULT_KEEP_RELEASED_USERNAMES, stateDirectory,
                DEFAULT_GUARANTEE.defaultCommitInterval(), DEFAULT_GUARANTEE, null, ErasureBound.DEFAULT);
    }

    public ProcessorConfig withApplicationId(String id) {
        return new ProcessorConfig(id, kafka, cdcTopic, reservationsTopic, profilesTopic, eventsTopic,
                deadLetterTopic, partitions, keepReleasedUsernames, stateDirectory, commitInterval, guarantee, groupInstanceId,
                erasureBound);
    }

    public ProcessorConfig withStateDirectory(Path directory) {
        return new ProcessorConfig(applicationId, kafka, cdcTopic, reservationsTopic, profilesTopic, eventsTopic,
                deadLetterTopic, partitions, keepReleasedUsernames, directory, commitInterval, guarantee, groupInstanceId,
                erasureBound);
    }

    public ProcessorConfig withGroupInstanceId(String id) {
        return new ProcessorConfig(applicationId, kafka, cdcTopic, reservationsTopic, profilesTopic, eventsTopic,
                deadLetterTopic, partitions, keepReleasedUsernames, stateDirectory, commitInterval, guarantee, id, erasureBound);
    }

    /**
     * What the processor promises about its outputs. Either way {@code public.users} gets each change once: the
     * topology applies a change only if its source LSN is newer than the user's, and the sink writes a row only
     * for a newer LSN.
     */
    public enum Guarantee {
        /**
         * Outputs are sent as each record is processed, and offsets committed after they are acknowledged. A
         * crash makes the processor read again what came after its last commit: a change it had applied then
         * sends its outputs again (they may not have reached Kafka), so consumers of the events topic may see an
         * event twice, with the same source LSN.
         */
        AT_LEAST_ONCE(StreamsConfig.AT_LEAST_ONCE, Duration.ofMillis(200)),
        /**
         * Outputs, state and offsets commit in one Kafka transaction every commit interval: a read_committed
         * consumer sees each output once, after the commit that holds it.
         */
        EXACTLY_ONCE(StreamsConfig.EXACTLY_ONCE_V2, Duration.ofMillis(20));

        private final String streamsValue;
        private final Duration defaultCommitInterval;

        Guarantee(String streamsValue, Duration defaultCommitInterval) {
            this.streamsValue = streamsValue;
            this.defaultCommitInterval = defaultCommitInterval;
        }

        /** The value of Kafka Streams' {@code processing.guarantee}. */
        public String streamsValue() {
            return streamsValue;
        }

        /** Exactly once, short: it bounds latency. At least once, longer: it costs a flush and an offset commit. */
        public Duration defaultCommitInterval() {
            return defaultCommitInterval;
        }
    }

    /** Claims for a username, keyed by its root: internal to one application id. */
    public String claimsTopic() {
        return applicationId + "-username-claims";
    }

    /** Usernames handed out, keyed by user id: internal to one application id. */
    public String assignmentsTopic() {
        return applicationId + "-username-assignments";
    }

    /**
     * Kafka Streams properties tuned for low latency. The client settings apply unprefixed
     * to every client Streams makes; a setting prefixed here for one kind of client still wins for it.
     */
    public Properties streamsProperties() {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee.streamsValue());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        // Record caches delay every downstream write until a commit or eviction: off, for latency.
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // Nothing here joins by time: never hold a record back waiting for the task's other input.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 1);
        // A commit waits for every request in flight: fewer, larger requests make it shorter.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        // With short transactions a send can meet the previous commit still completing
        // (CONCURRENT_TRANSACTIONS); retry it after milliseconds, not the default 100 ms.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 1);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
        // The global store of usernames is read when a user is first seen, for a username it had before this
        // instance's stores: a profile published a moment ago is in the user's own state already. So its consumer
        // fetches in pieces of up to 256 KiB, at most every 100 ms, not as each profile appears: in a backfill it fetched
        // as often as the sink did.
        props.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), GLOBAL_FETCH_MIN_BYTES);
        props.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), GLOBAL_FETCH_MAX_WAIT_MS);
        // Failover: a dead instance keeps its tasks until its session times out, and the others hear of the rebalance
        // at their next heartbeat. 6 s (the least brokers accept by default) instead of 45 s, and 0.5 s instead of 3 s:
        // ClusterIT's instance kill, 48.8 s -> 9-10 s (docs/operations.md). Unprefixed, so that KAFKA_SESSION_TIMEOUT_MS
        // and KAFKA_HEARTBEAT_INTERVAL_MS replace them.
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis());
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) HEARTBEAT_INTERVAL.toMillis());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Bad input is routed by the topology to the dead-letter topic. Whatever else a record breaks goes to
        // the same topic through Streams' handlers (KIP-1033/1034), with the same headers, and processing goes on.
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        if (groupInstanceId != null) {
            // Static membership: Kafka Streams makes one id per stream thread of it (suffix -1, -2, ...).
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), groupInstanceId);
        }
        // The global store's processor too (Kafka 5.0's default; until then Streams warns at every start): it skips
        // unreadable profiles itself, so only a bug would reach the handler, as a dead letter instead of a stop.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Streams' partition assignor builds a second StreamsConfig from the main consumer's settings, which warns the
        // same unless the setting reaches that consumer too.
        props.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        if (stateDirectory != null) {
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDirectory.toAbsolutePath().toString());
        }
        Properties properties = new Properties();
        properties.putAll(kafka.clientProperties(props));
        return properties;
    }
}
