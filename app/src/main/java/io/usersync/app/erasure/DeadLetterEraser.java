package io.usersync.app.erasure;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.app.deadletter.DeadLetterRecord;
import io.usersync.app.kafka.ToTheEnd;
import io.usersync.schemas.ErasureBound;
import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.kafka.KafkaClientSettings;

/**
 * Deletes the dead letters of deleted users within {@code USERSYNC_ERASURE_BOUND}. A dead letter keeps the failed
 * record's bytes for its redrive, and the topic keeps dead letters 30 days; Kafka deletes records only below an offset.
 * So, in a partition that holds a dead letter of a user the sink has deleted ({@code usersync.sink_deletes}: hard and
 * soft deletes), the eraser copies every other dead letter past it, with its id ({@link DeadLetterHeaders#COPY_OF})
 * and time, and deletes the records before the copies. The broker removes their segment files at its next retention
 * check once a segment is wholly below the partition's start: before the copies, the eraser appends a
 * {@link DeadLetterHeaders#SEGMENT_MARKER segment marker}, written once the segment that holds the last such dead letter
 * is older than the topic's {@code segment.ms} (an eighth of the bound), which makes the broker roll it.
 *
 * <p>A dead letter is a deleted user's when its key is their id or its value names it. It runs every eighth of the
 * bound in each process that runs the sink; a PostgreSQL advisory lock keeps two from erasing at once. Stopped halfway,
 * the next pass copies each dead letter once more at most, which readers take once (by id).
 */
public final class DeadLetterEraser implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterEraser.class);
    /** Advisory lock of the eraser: one pass at a time across the processes that share the database. */
    private static final long LOCK = 0x7573657273796e63L;
    /** Clocks of the broker and the stages that wrote dead letters need not agree to the millisecond. */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final String CLIENT_ID = "usersync-dlt-eraser";
    private static final Duration READ_SINCE = Duration.ofSeconds(30);

    private final DataSource database;
    private final KafkaClientSettings kafka;
    private final String topic;
    private final ErasureBound bound;
    private final Clock clock;
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(
            runnable -> new Thread(runnable, "usersync-dlt-eraser"));

    public DeadLetterEraser(DataSource database, KafkaClientSettings kafka, String topic, ErasureBound bound, Clock clock) {
        this.database = database;
        this.kafka = kafka;
        this.topic = topic;
        this.bound = bound;
        this.clock = clock;
    }

    /** Erases every eighth of the bound, in the background. */
    public void start() {
        long every = bound.bound().dividedBy(8).toMillis();
        schedule.scheduleWithFixedDelay(this::eraseQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * One pass: erases, in each partition whose last dead letter of a deleted user is in a segment old enough to roll,
     * the dead letters of deleted users. Returns how many it erased; 0 too when another process holds the lock.
     */
    public int erase() throws SQLException, InterruptedException, ExecutionException {
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (!locked(connection)) {
                    return 0;
                }
                return erase(connection);
            } finally {
                connection.rollback();
            }
        }
    }

    private int erase(Connection connection) throws SQLException, InterruptedException, ExecutionException {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.clientProperties(Map.of(
                        ConsumerConfig.CLIENT_ID_CONFIG, CLIENT_ID,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString())),
                        new StringDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(Map.of(
                        ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID,
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)), new StringSerializer(), new ByteArraySerializer());
                Admin admin = Admin.create(kafka.clientProperties(Map.of()))) {
            List<TopicPartition> partitions = ToTheEnd.partitions(consumer, topic);
            if (partitions.isEmpty()) {
                return 0;
            }
            Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> read = ToTheEnd.read(consumer, partitions);
            DeletedUsers deleted = DeletedUsers.namedBy(connection, read.values());
            if (deleted.isEmpty()) {
                return 0;
            }
            Duration segmentAge = segmentMs(admin).plus(CLOCK_SLACK);
            int erased = 0;
            for (TopicPartition partition : partitions) {
                erased += erase(partition, read.get(partition), deleted, segmentAge, consumer, producer, admin);
            }
            return erased;
        }
    }

    private int erase(TopicPartition partition, List<ConsumerRecord<String, byte[]>> records, DeletedUsers deleted,
            Duration segmentAge, KafkaConsumer<String, byte[]> consumer, KafkaProducer<String, byte[]> producer, Admin admin)
            throws InterruptedException, ExecutionException {
        int last = -1;
        for (int i = 0; i < records.size(); i++) {
            if (deleted.named(records.get(i))) {
                last = i;
            }
        }
        if (last < 0) {
            return 0;
        }
        long newest = records.subList(0, last + 1).stream().mapToLong(ConsumerRecord::timestamp).max().orElseThrow();
        if (clock.millis() - newest < segmentAge.toMillis()) {
            return 0; // Its segment may still be the active one, which a marker would not roll: the next pass erases.
        }
        long marker = producer.send(segmentMarker(partition)).get().offset();
        // Dead letters the stages wrote since the read: before the marker, so they are copied too.
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>(records);
        consumer.seek(partition, records.get(records.size() - 1).offset() + 1);
        long deadline = System.nanoTime() + READ_SINCE.toNanos();
        while (consumer.position(partition) < marker) {
            if (System.nanoTime() > deadline) {
                // An open transaction of the processor's holds the read back: the next pass erases.
                log.info("Dead letters of {} up to offset {} not readable within {}: erased at the next pass", partition,
                        marker, READ_SINCE);
                return 0;
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL).records(partition)) {
                if (record.offset() < marker) {
                    all.add(record);
                }
            }
        }
        Map<String, ConsumerRecord<String, byte[]>> kept = new LinkedHashMap<>();
        int erased = 0;
        for (ConsumerRecord<String, byte[]> record : all) {
            if (DeadLetterRecord.isSegmentMarker(record)) {
                continue;
            }
            if (deleted.named(record)) {
                erased++;
            } else {
                kept.putIfAbsent(DeadLetterRecord.of(record).id(), record);
            }
        }
        List<Future<RecordMetadata>> copies = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : kept.values()) {
            copies.add(producer.send(copy(record)));
        }
        for (Future<RecordMetadata> copy : copies) {
            copy.get();
        }
        admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(marker))).all().get();
        log.info("Dead letters of deleted users erased from {}: {}, {} other dead letters copied past them; the records"
                + " before offset {} deleted", partition, erased, kept.size(), marker);
        return erased;
    }

    private static ProducerRecord<String, byte[]> segmentMarker(TopicPartition partition) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.SEGMENT_MARKER, "1".getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(partition.topic(), partition.partition(), null, null, null, headers);
    }

    /** The dead letter as it was, at its time, naming where it was first written. */
    private static ProducerRecord<String, byte[]> copy(ConsumerRecord<String, byte[]> record) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        if (headers.lastHeader(DeadLetterHeaders.COPY_OF) == null) {
            headers.add(DeadLetterHeaders.COPY_OF,
                    (record.partition() + ":" + record.offset()).getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(), record.key(), record.value(), headers);
    }

    /** The topic's {@code segment.ms}: the age at which a marker rolls a segment; the bound's eighth if unreadable. */
    private Duration segmentMs(Admin admin) throws InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            ConfigEntry segmentMs = config.get(TopicConfig.SEGMENT_MS_CONFIG);
            if (segmentMs != null && segmentMs.value() != null) {
                return Duration.ofMillis(Long.parseLong(segmentMs.value()));
            }
        } catch (ExecutionException | NumberFormatException e) {
            log.debug("Cannot read segment.ms of {}: {}", topic, e.toString());
        }
        return bound.bound().dividedBy(8);
    }

    private static boolean locked(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_xact_lock(?)")) {
            lock.setLong(1, LOCK);
            try (ResultSet result = lock.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }

    private void eraseQuietly() {
        try {
            erase();
        } catch (SQLException | ExecutionException | RuntimeException e) {
            // The next pass tries again; what is not erased yet stays one pass longer.
            log.warn("Dead-letter eraser pass failed on {}: {}. Fix: allow this client to read, write and DeleteRecords"
                    + " on {}", topic, e.getClass().getSimpleName(), topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets a pass under way finish (it is short), then stops. */
    @Override
    public void close() {
        schedule.shutdown();
        try {
            if (!schedule.awaitTermination(10, TimeUnit.SECONDS)) {
                schedule.shutdownNow();
            }
        } catch (InterruptedException e) {
            schedule.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
