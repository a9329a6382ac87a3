package io.usersync.sink;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariDataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.usersync.sink.deadletter.KafkaDeadLetterReporter;
import io.usersync.sink.write.ProfileWriter;

/**
 * The sink stage's lifecycle: opens the connection pool, the consumer and the dead-letter producer, runs
 * the {@link ProfileConsumerLoop} on its own thread, reports health, and closes it all. The loop writes each
 * batch with its offsets in one PostgreSQL transaction; offsets live in the database, and on start and after
 * every rebalance the consumer seeks to them, so a crash anywhere neither loses nor repeats a write. While the
 * database is unreachable it pauses consumption, reports DOWN and retries without limit.
 */
public final class SinkStage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SinkStage.class);
    /** How long a dead instance keeps its partitions. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
    static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(500);

    private final SinkConfig config;
    private final MeterRegistry registry;
    private final SinkMetrics metrics;
    private final SinkHealthTracker health = new SinkHealthTracker();
    private Thread thread;
    private ProfileConsumerLoop loop;
    private HikariDataSource dataSource;
    private KafkaClientMetrics consumerMetrics;
    private KafkaDeadLetterReporter deadLetters;

    public SinkStage(SinkConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.metrics = new SinkMetrics(registry);
    }

    public synchronized void start() {
        dataSource = SinkConnectionPool.open(config);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config.kafka().clientProperties(consumerProperties()),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        deadLetters = KafkaDeadLetterReporter.create(config.kafka(), config.deadLetterTopic());
        RetryingProfileWriter writer = new RetryingProfileWriter(
                new ProfileWriter(dataSource, config.database().profileTable(), config.groupId(), config.deleteMode(), false), config, health, metrics);
        loop = new ProfileConsumerLoop(consumer, config, writer, deadLetters, metrics, health);
        thread = new Thread(loop, "usersync-sink");
        thread.start();
        log.info("Sink started: {} -> {} as group {}", config.profilesTopic(), config.database().profileTable(), config.groupId());
    }

    Map<String, Object> consumerProperties() {
        Map<String, Object> props = new HashMap<>(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, config.groupId(),
                ConsumerConfig.CLIENT_ID_CONFIG, config.groupId(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                // Failover: a dead sink keeps its partitions until its session times out, and the others hear of the
                // rebalance at their next heartbeat. 6 s and 0.5 s, as the stream processor's, instead of 45 s and 3 s;
                // KAFKA_SESSION_TIMEOUT_MS and KAFKA_HEARTBEAT_INTERVAL_MS still set them.
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis(),
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) HEARTBEAT_INTERVAL.toMillis()));
        if (config.groupInstanceId() != null) {
            // Static membership: after a crash the restarted sink takes its partitions back without waiting for the
            // dead member's session to expire. Offsets stay in PostgreSQL, so a stale member fenced by it commits nothing.
            props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.groupInstanceId());
        }
        return props;
    }

    public SinkHealth health() {
        return health.current();
    }

    /** Why the sink stopped on its own, if it did. */
    public Throwable failure() {
        return health.failure();
    }

    /**
     * Stops at once. What was buffered or being written is not committed: the next start reads it again
     * from the offsets stored with the last committed batch.
     */
    @Override
    public synchronized void close() {
        if (thread == null) {
            return;
        }
        loop.stop();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
        consumerMetrics.close();
        deadLetters.close();
        dataSource.close();
    }
}
