package io.usersync.sink;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.usersync.sink.batch.Batch;
import io.usersync.sink.batch.ProfileBuffer;
import io.usersync.sink.batch.ProfileRecords;
import io.usersync.sink.batch.ProfileWrite;
import io.usersync.sink.deadletter.DeadLetterReporter;
import io.usersync.sink.deadletter.KafkaDeadLetterReporter;
import io.usersync.sink.write.Failure;
import io.usersync.sink.write.ProfileWriter;

/**
 * The sink stage: consumes profiles, buffers them, and writes each batch with its offsets in one
 * PostgreSQL transaction. Offsets live in the database; on start and after every rebalance the consumer
 * seeks to them, so a crash anywhere neither loses nor repeats a write. While the database is unreachable
 * it pauses consumption, reports DOWN and retries without limit.
 */
public final class SinkStage implements AutoCloseable {

    public static final String REASON_NOT_A_PROFILE = "not-a-profile";
    public static final String REASON_REJECTED = "rejected-by-database";

    private static final Logger log = LoggerFactory.getLogger(SinkStage.class);
    private static final Duration MAX_POLL = Duration.ofMillis(100);
    /** While idle the sink checks the database this often, so health is DOWN when it is, not only at the next write. */
    private static final Duration IDLE_CHECK_INTERVAL = Duration.ofSeconds(2);

    private final SinkConfig config;
    private final MeterRegistry registry;
    private final SinkMetrics metrics;
    private final AtomicReference<SinkHealth> health = new AtomicReference<>(SinkHealth.STARTING);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running;
    private Thread thread;
    private HikariDataSource dataSource;
    private KafkaConsumer<String, byte[]> consumer;
    private KafkaClientMetrics consumerMetrics;
    private KafkaDeadLetterReporter deadLetters;

    public SinkStage(SinkConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.metrics = new SinkMetrics(registry);
    }

    public synchronized void start() {
        dataSource = dataSource(config);
        consumer = new KafkaConsumer<>(config.kafka().clientProperties(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, config.groupId(),
                ConsumerConfig.CLIENT_ID_CONFIG, config.groupId(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000)),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        deadLetters = KafkaDeadLetterReporter.create(config.kafka(), config.deadLetterTopic());
        Loop loop = new Loop(new ProfileWriter(dataSource, config.groupId(), config.deleteMode()), deadLetters);
        running = true;
        thread = new Thread(loop::run, "usersync-sink");
        thread.start();
        log.info("Sink started: {} -> public.users as group {}", config.profilesTopic(), config.groupId());
    }

    public SinkHealth health() {
        return health.get();
    }

    /** Why the sink stopped on its own, if it did. */
    public Throwable failure() {
        return failure.get();
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
        running = false;
        consumer.wakeup();
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

    /** The sink's connection pool: fails fast while the database is down, batched statements rewritten. */
    public static HikariDataSource dataSource(SinkConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setPoolName("usersync-sink");
        // Fail fast while the database is down: the sink's own backoff decides when to try again.
        hikari.setConnectionTimeout(2_000);
        hikari.setInitializationFailTimeout(-1);
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        hikari.addDataSourceProperty("ApplicationName", "usersync-sink");
        // Keeps the server's Detail ("Key (username)=(...)", "Failing row contains (...)") and batch parameters
        // out of exception messages, so no stack trace in a log carries row values.
        hikari.addDataSourceProperty("logServerErrorDetail", "false");
        return new HikariDataSource(hikari);
    }

    /** The consumer thread: everything that touches the consumer happens here. */
    private final class Loop implements ConsumerRebalanceListener {

        private final ProfileWriter writer;
        private final DeadLetterReporter reporter;
        private final ProfileBuffer buffer = new ProfileBuffer(config.batchSize(), config.batchAge(), System::nanoTime);
        private boolean rebalanced;
        private long lastDatabaseContact = System.nanoTime();

        Loop(ProfileWriter writer, DeadLetterReporter reporter) {
            this.writer = writer;
            this.reporter = reporter;
        }

        void run() {
            try {
                consumer.subscribe(List.of(config.profilesTopic()), this);
                while (running) {
                    // An empty buffer waits for records, however short its age limit (0: write what each poll returns).
                    Duration wait = !buffer.isEmpty() && buffer.timeUntilFlush().compareTo(MAX_POLL) < 0
                            ? buffer.timeUntilFlush() : MAX_POLL;
                    add(consumer.poll(wait));
                    if (buffer.shouldFlush()) {
                        flush();
                    } else if (buffer.isEmpty() && System.nanoTime() - lastDatabaseContact > IDLE_CHECK_INTERVAL.toNanos()) {
                        checkDatabase();
                    }
                }
            } catch (WakeupException e) {
                if (running) {
                    fail(e);
                }
            } catch (RuntimeException | Error e) {
                fail(e);
            } finally {
                consumer.close(CloseOptions.timeout(Duration.ZERO));
            }
        }

        private void fail(Throwable e) {
            failure.set(e);
            health.set(SinkHealth.down("stopped: " + e.getClass().getSimpleName()));
            log.error("Sink stopped", e);
        }

        private void add(ConsumerRecords<String, byte[]> records) {
            for (ConsumerRecord<String, byte[]> record : records) {
                try {
                    buffer.add(ProfileRecords.parse(record));
                } catch (IOException | IllegalArgumentException e) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    reporter.report(new ProfileWrite(record.key(), null, 0, partition, record.offset(), record.value()),
                            REASON_NOT_A_PROFILE, e);
                    metrics.deadLetter();
                    buffer.markRead(partition, record.offset());
                }
            }
        }

        private void flush() {
            Batch batch = buffer.drain();
            Backoff backoff = new Backoff(config.retryBackoff(), config.maxRetryBackoff());
            rebalanced = false;
            while (running && !rebalanced) {
                long started = System.nanoTime();
                try {
                    ProfileWriter.Result result = writer.write(batch, (write, error) -> {
                        reporter.report(write, REASON_REJECTED, error);
                        metrics.deadLetter();
                    });
                    Instant committed = Instant.now();
                    metrics.batchWritten(batch.writes().size(), Duration.ofNanos(System.nanoTime() - started));
                    metrics.rows(result.upserted(), result.deleted());
                    batch.writes().stream().filter(w -> !w.isDelete()).forEach(w ->
                            metrics.latency(Duration.between(Instant.ofEpochMilli(w.profile().sourceTsMs()), committed)));
                    commitToKafkaForMonitoring(batch);
                    lastDatabaseContact = System.nanoTime();
                    recovered();
                    return;
                } catch (SQLException e) {
                    if (Failure.of(e) != Failure.TRANSIENT) {
                        throw new IllegalStateException("cannot write to public.users: " + Failure.describe(e), e);
                    }
                    waitBeforeRetry(backoff, "database unavailable: " + Failure.describe(e));
                }
            }
        }

        private void checkDatabase() {
            lastDatabaseContact = System.nanoTime();
            try {
                writer.ping();
                if (!health.get().up() && health.get() != SinkHealth.STARTING) {
                    recovered();
                }
            } catch (SQLException e) {
                if (Failure.of(e) != Failure.TRANSIENT) {
                    throw new IllegalStateException("cannot reach the database: " + Failure.describe(e), e);
                }
                if (health.get().up()) {
                    log.warn("Sink idle and the database is unavailable: {}", Failure.describe(e));
                }
                health.set(SinkHealth.down("database unavailable: " + Failure.describe(e)));
            }
        }

        /** Kafka-side offsets only feed lag monitoring; the stored offsets in PostgreSQL are the truth. */
        private void commitToKafkaForMonitoring(Batch batch) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            batch.nextOffsets().forEach((partition, offset) -> {
                if (consumer.assignment().contains(partition)) {
                    offsets.put(partition, new OffsetAndMetadata(offset));
                }
            });
            consumer.commitAsync(offsets, null);
        }

        /** Pauses consumption and waits by polling, so the consumer stays in its group and sees rebalances. */
        private void waitBeforeRetry(Backoff backoff, String reason) {
            if (health.get().up() || health.get() == SinkHealth.STARTING) {
                log.warn("Sink paused: {}", reason);
            }
            health.set(SinkHealth.down(reason));
            metrics.retry();
            consumer.pause(consumer.assignment());
            add(consumer.poll(backoff.next()));
        }

        private void recovered() {
            if (!health.get().up()) {
                log.info("Sink writing again");
            }
            health.set(SinkHealth.UP);
            consumer.resume(consumer.paused());
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Nothing buffered is committed: whoever owns these partitions next reads it again.
            buffer.clear();
            rebalanced = true;
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Backoff backoff = new Backoff(config.retryBackoff(), config.maxRetryBackoff());
            while (running) {
                try {
                    Map<TopicPartition, Long> stored = writer.storedOffsets(partitions);
                    for (TopicPartition partition : partitions) {
                        Long offset = stored.get(partition);
                        if (offset != null) {
                            consumer.seek(partition, offset);
                        } else {
                            consumer.seekToBeginning(List.of(partition));
                        }
                    }
                    log.info("Sink assigned {} partitions, positioned at the offsets stored in PostgreSQL", partitions.size());
                    if (!partitions.isEmpty()) {
                        health.set(SinkHealth.UP);
                    }
                    return;
                } catch (SQLException e) {
                    if (Failure.of(e) != Failure.TRANSIENT) {
                        throw new IllegalStateException("cannot read stored offsets: " + Failure.describe(e), e);
                    }
                    health.set(SinkHealth.down("database unavailable: " + Failure.describe(e)));
                    sleep(backoff.next());
                }
            }
        }

        private void sleep(Duration duration) {
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }
}
