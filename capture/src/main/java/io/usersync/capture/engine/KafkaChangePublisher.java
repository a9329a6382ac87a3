package io.usersync.capture.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.debezium.DebeziumException;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.usersync.capture.CaptureConfig;
import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.logging.LogFields;

/**
 * Publishes each batch of {@code auth.users} changes to the CDC topic (and the snapshot rows of
 * {@code public.users} and the username announcements to the reservations topic), keyed by user id, and marks
 * the batch processed only after Kafka acknowledged every record of it: Debezium's offsets never run ahead
 * of what Kafka holds. The engine hands over Connect records, written here as the JSON of Debezium's JSON format
 * ({@link ConnectJson}), and only those that are published.
 *
 * <p>A change bigger than the producer's {@code max.request.size} would fail the batch and stop capture for good,
 * with every later change behind it. Its size is checked before it is sent: an oversized change is published
 * with its largest columns emptied ({@link OversizedChange}, marked by the {@link #REDUCED_HEADER} header), and a
 * dead letter says which columns were emptied; capture goes on.
 */
public final class KafkaChangePublisher implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaChangePublisher.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** On a change published with columns emptied: their names, comma-separated. */
    public static final String REDUCED_HEADER = "usersync.capture.emptied-columns";
    /**
     * Room left under {@code max.request.size} for what Kafka adds to a record (batch and record overhead, at
     * most about 100 bytes) and the headers of a reduced change and its dead letter.
     */
    static final int OVERHEAD_BYTES = 4096;

    private final Producer<String, byte[]> producer;
    private final Map<String, String> topicByDestination;
    private final String messageDestination;
    private final String deadLetterTopic;
    private final int maxRequestSize;
    private final Clock clock;
    private final String capturedDestination;
    private final LoadedRows loadedRows;

    /**
     * @param topicByDestination the Kafka topic for each Debezium destination that is published; changes of
     *                           any other destination (the heartbeat table) are only marked processed
     * @param messageDestination the destination of logical decoding messages, whose key is their prefix and
     *                           whose content names the user
     * @param capturedDestination the destination of {@code auth.users}, whose initial load {@code loadedRows} is told of
     */
    public KafkaChangePublisher(Producer<String, byte[]> producer, Map<String, String> topicByDestination,
            String messageDestination, String deadLetterTopic, int maxRequestSize, Clock clock, String capturedDestination,
            LoadedRows loadedRows) {
        this.producer = producer;
        this.topicByDestination = Map.copyOf(topicByDestination);
        this.messageDestination = messageDestination;
        this.deadLetterTopic = deadLetterTopic;
        this.maxRequestSize = maxRequestSize;
        this.clock = clock;
        this.capturedDestination = capturedDestination;
        this.loadedRows = loadedRows;
    }

    /**
     * A producer tuned for this job: idempotent and ordered per key, with a short linger for latency. No
     * compression by default: on a loopback or LAN broker it costs more CPU than it saves.
     */
    public static KafkaChangePublisher create(CaptureConfig config, LoadedRows loadedRows) {
        Map<String, Object> producerConfig = config.kafka().clientProperties(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "usersync-capture",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024));
        return new KafkaChangePublisher(new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer()),
                topicsByDestination(config), DebeziumProperties.messageDestination(config), config.deadLetterTopic(),
                maxRequestSize(producerConfig), Clock.systemUTC(), DebeziumProperties.capturedDestination(config), loadedRows);
    }

    /** A row of a replication slot's snapshot (the initial load), as opposed to a change or an incremental snapshot's row. */
    enum LoadRow { NONE, ROW, LAST }

    static LoadRow loadRow(SourceRecord record) {
        if (!(record.value() instanceof Struct envelope) || envelope.schema().field("op") == null
                || !"r".equals(envelope.getString("op")) || envelope.schema().field("source") == null) {
            return LoadRow.NONE;
        }
        Struct source = envelope.getStruct("source");
        Object snapshot = source == null || source.schema().field("snapshot") == null ? null : source.get("snapshot");
        if (snapshot == null) {
            return LoadRow.NONE;
        }
        return switch (snapshot.toString()) {
            case "last", "last_in_data_collection" -> LoadRow.LAST;
            case "false", "incremental" -> LoadRow.NONE;
            default -> LoadRow.ROW;
        };
    }

    /**
     * A change that soft-deletes a user ({@code auth.users.deleted_at} set): a tombstone follows it, as Debezium's
     * follows a delete, so that compaction keeps nothing of the row within the erasure bound. The stream processor takes
     * the change as the delete and the tombstone as its echo.
     */
    static boolean softDeleted(SourceRecord record) {
        if (!(record.value() instanceof Struct envelope) || envelope.schema().field("after") == null) {
            return false;
        }
        Struct after = envelope.getStruct("after");
        return after != null && after.schema().field("deleted_at") != null && after.get("deleted_at") != null;
    }

    /** The producer's {@code max.request.size}: set through the client properties, or Kafka's default. */
    static int maxRequestSize(Map<String, Object> producerConfig) {
        Object configured = producerConfig.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return configured == null ? 1024 * 1024 : Integer.parseInt(configured.toString().trim());
    }

    /**
     * auth.users changes to the CDC topic; public.users snapshot rows and username announcements to the
     * reservations topic when it is captured.
     */
    static Map<String, String> topicsByDestination(CaptureConfig config) {
        Map<String, String> topics = new HashMap<>();
        topics.put(DebeziumProperties.capturedDestination(config), config.topic());
        if (config.reservationsTopic() != null) {
            topics.put(DebeziumProperties.profileDestination(config), config.reservationsTopic());
            topics.put(DebeziumProperties.messageDestination(config), config.reservationsTopic());
        }
        return topics;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        List<Future<RecordMetadata>> sends = new ArrayList<>(records.size());
        int loaded = 0;
        boolean lastLoaded = false;
        for (RecordChangeEvent<SourceRecord> event : records) {
            SourceRecord record = event.record();
            String topic = topicByDestination.get(record.topic());
            if (record.topic().equals(capturedDestination)) {
                LoadRow row = loadRow(record);
                loaded += row == LoadRow.NONE ? 0 : 1;
                lastLoaded |= row == LoadRow.LAST;
            }
            if (topic != null) {
                byte[] value = ConnectJson.write(record.valueSchema(), record.value());
                String key = record.topic().equals(messageDestination) ? announcedUserId(value) : userId(record.key());
                int bytes = OversizedChange.bytes(key) + (value == null ? 0 : value.length);
                if (bytes + OVERHEAD_BYTES <= maxRequestSize) {
                    sends.add(producer.send(new ProducerRecord<>(topic, key, value)));
                } else {
                    sendFitted(sends, topic, key, record.topic(), new String(value, StandardCharsets.UTF_8), bytes);
                }
                if (softDeleted(record)) {
                    sends.add(producer.send(new ProducerRecord<>(topic, key, null)));
                }
            }
        }
        for (Future<RecordMetadata> send : sends) {
            awaitAcknowledged(send);
        }
        loadedRows.acknowledged(loaded, lastLoaded);
        for (RecordChangeEvent<SourceRecord> record : records) {
            committer.markProcessed(record);
        }
        committer.markBatchFinished();
        if (!sends.isEmpty()) {
            log.debug("Published {} changes", sends.size());
        }
    }

    /** An oversized change: what fits of it to its topic, if anything, and a dead letter that says what did not. */
    private void sendFitted(List<Future<RecordMetadata>> sends, String topic, String key, String destination, String value,
            int bytes) {
        int room = maxRequestSize - OVERHEAD_BYTES - OversizedChange.bytes(key);
        Optional<OversizedChange.Reduced> reduced = OversizedChange.reduce(value, room);
        String published = reduced.map(OversizedChange.Reduced::value).orElse(null);
        Map<String, Integer> emptied = reduced.map(OversizedChange.Reduced::emptiedColumns).orElse(Map.of());
        long lsn = OversizedChange.lsn(value);
        if (published != null) {
            ProducerRecord<String, byte[]> fitted = new ProducerRecord<>(topic, key, published.getBytes(StandardCharsets.UTF_8));
            fitted.headers().add(REDUCED_HEADER, String.join(",", emptied.keySet()).getBytes(StandardCharsets.UTF_8));
            sends.add(producer.send(fitted));
        }
        sends.add(producer.send(CaptureDeadLetter.recordTooLarge(deadLetterTopic, key, destination, lsn, bytes,
                maxRequestSize, published, emptied, clock.instant())));
        log.atWarn().addKeyValue(LogFields.STAGE, DeadLetterHeaders.STAGE_CAPTURE).addKeyValue(LogFields.TOPIC, topic)
                .addKeyValue(LogFields.USER_ID, key)
                .log("Change of {} at LSN {} for {} is {} bytes, over max.request.size {}: {}; dead letter to {}",
                key, lsn, topic, bytes, maxRequestSize,
                published == null ? "not published" : "published without " + emptied.keySet(), deadLetterTopic);
    }

    @Override
    public boolean supportsTombstoneEvents() {
        return true;
    }

    @Override
    public void close() {
        producer.close();
    }

    private static void awaitAcknowledged(Future<RecordMetadata> send) throws InterruptedException {
        try {
            send.get();
        } catch (ExecutionException e) {
            // Stops the engine with these changes unmarked: they are read again on the next start.
            throw new DebeziumException("Kafka did not acknowledge a change; capture stops without moving its offset",
                    e.getCause());
        }
    }

    /**
     * The user a username announcement names: its content is {@code {"id": ..., "username": ...}}, base64 in
     * Debezium's JSON. Null when the message is not one: anyone may emit a message with this prefix, and the
     * stream processor sends what it cannot read to the dead letters, where capture would have to stop.
     */
    static String announcedUserId(byte[] messageEvent) {
        try {
            JsonNode content = messageEvent == null ? null : MAPPER.readTree(messageEvent).path("message").path("content");
            if (content == null || !content.isTextual()) {
                return null;
            }
            JsonNode id = MAPPER.readTree(content.binaryValue()).path("id");
            return id.isTextual() ? id.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Debezium's key is a struct of the row's primary key, {@code id}; the topic's key is the plain id. */
    static String userId(Object debeziumKey) {
        if (debeziumKey instanceof Struct key && key.schema().field("id") != null && key.get("id") instanceof String id) {
            return id;
        }
        throw new DebeziumException("change key has no id");
    }
}
