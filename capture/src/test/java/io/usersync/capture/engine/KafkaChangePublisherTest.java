package io.usersync.capture.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.debezium.DebeziumException;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.usersync.capture.CaptureConfig;
import io.usersync.capture.CaptureConfigs;
import io.usersync.schemas.deadletter.DeadLetterHeaders;

class KafkaChangePublisherTest {

    private static final CaptureConfig CONFIG = CaptureConfigs.withReservations();
    private static final String USERS = DebeziumProperties.capturedDestination(CONFIG);
    private static final String PROFILES = DebeziumProperties.profileDestination(CONFIG);
    private static final String HEARTBEAT = CaptureConfigs.SLOT + "." + DebeziumProperties.HEARTBEAT_TABLE;
    private static final String ADA = "6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11";
    private static final String BOB = "0b7e3c52-8d1a-4f59-a7a4-1e2f3a4b5c6d";

    private static final String DLT = "dlt";
    private static final int MAX_REQUEST_SIZE = 64 * 1024;
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private final ExecutorService engineThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopEngineThread() {
        engineThread.shutdownNow();
    }

    /** A producer whose sends complete at once, or only when the test says so. */
    private static MockProducer<String, byte[]> producer(boolean acknowledgeAtOnce) {
        return new MockProducer<>(acknowledgeAtOnce, null, new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaChangePublisher publisher(MockProducer<String, byte[]> producer) {
        return publisher(producer, LoadedRows.NONE);
    }

    private static KafkaChangePublisher publisher(MockProducer<String, byte[]> producer, LoadedRows loadedRows) {
        return new KafkaChangePublisher(producer, KafkaChangePublisher.topicsByDestination(CONFIG),
                DebeziumProperties.messageDestination(CONFIG), DLT, MAX_REQUEST_SIZE, CLOCK, USERS, loadedRows);
    }

    private static final Schema KEY = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A change as the engine hands it over: Debezium's key struct, the event (given as JSON), the table it came from. */
    private static Change change(String destination, String userId, String json) {
        return change(destination, new Struct(KEY).put("id", userId), json);
    }

    private static Change change(String destination, Object key, String json) {
        try {
            Object value = json == null ? null : MAPPER.readValue(json, Object.class);
            return new Change(new SourceRecord(Map.of(), Map.of(), destination, null, null, key, null, value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    @Test
    void shouldPublishAuthUsersChangesToTheCdcTopicKeyedByThePlainUserIdInOrder() throws Exception {
        MockProducer<String, byte[]> producer = producer(true);
        Change ada = change(USERS, ADA, "{\"op\":\"c\"}");
        Change bob = change(USERS, BOB, "{\"op\":\"u\"}");

        publisher(producer).handleBatch(List.of(ada, bob), new RecordingCommitter());

        assertThat(producer.history()).extracting(ProducerRecord::topic, ProducerRecord::key, record -> text(record.value()))
                .containsExactly(tuple(CaptureConfigs.CDC_TOPIC, ADA, "{\"op\":\"c\"}"),
                        tuple(CaptureConfigs.CDC_TOPIC, BOB, "{\"op\":\"u\"}"));
    }

    @Test
    void shouldTellTheRowsOfTheInitialLoadOfAuthUsersOnceKafkaAcknowledgedThem() throws Exception {
        MockProducer<String, byte[]> producer = producer(false);
        List<String> told = new ArrayList<>();
        KafkaChangePublisher publisher = publisher(producer, (rows, last) -> told.add(rows + (last ? " last" : "")));
        List<RecordChangeEvent<SourceRecord>> batch = List.of(read(USERS, ADA, "r", "first"), read(USERS, BOB, "r", "true"),
                read(USERS, ADA, "u", "false"), read(USERS, BOB, "r", "incremental"), read(PROFILES, ADA, "r", "last"));

        Future<?> handled = engineThread.submit(() -> {
            publisher.handleBatch(batch, new RecordingCommitter());
            return null;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == batch.size());
        assertThat(told).as("before Kafka acknowledged the batch").isEmpty();
        while (producer.completeNext()) {
            // Acknowledges every send.
        }
        handled.get(10, TimeUnit.SECONDS);
        publisher(producer(true), (rows, last) -> told.add(rows + (last ? " last" : "")))
                .handleBatch(List.of(read(USERS, ADA, "r", "last_in_data_collection")), new RecordingCommitter());

        assertThat(told).containsExactly("2", "1 last");
    }

    private static final Schema SOURCE = SchemaBuilder.struct().field("snapshot", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).field("source", SOURCE).build();

    /** A change as Debezium's Connect structs carry it, with its op and its source's snapshot field. */
    private static Change read(String destination, String userId, String op, String snapshot) {
        Struct value = new Struct(ENVELOPE).put("op", op).put("source", new Struct(SOURCE).put("snapshot", snapshot));
        return new Change(new SourceRecord(Map.of(), Map.of(), destination, null, KEY, new Struct(KEY).put("id", userId),
                ENVELOPE, value));
    }

    @Test
    void shouldPublishPublicUsersChangesToTheReservationsTopic() throws Exception {
        MockProducer<String, byte[]> producer = producer(true);

        publisher(producer).handleBatch(List.of(change(PROFILES, ADA, "{\"op\":\"u\"}")), new RecordingCommitter());

        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly(CaptureConfigs.RESERVATIONS_TOPIC);
    }

    @Test
    void shouldMarkAHeartbeatProcessedWithoutPublishingIt() throws Exception {
        MockProducer<String, byte[]> producer = producer(true);
        RecordingCommitter committer = new RecordingCommitter();
        Change heartbeat = change(HEARTBEAT, 1, "{\"op\":\"u\"}");

        publisher(producer).handleBatch(List.of(heartbeat), committer);

        assertThat(producer.history()).isEmpty();
        assertThat(committer.processed).containsExactly(heartbeat);
        assertThat(committer.batchFinished).isTrue();
    }

    @Test
    void shouldPublishTheTombstoneOfADeleteWithANullValue() throws Exception {
        MockProducer<String, byte[]> producer = producer(true);
        KafkaChangePublisher publisher = publisher(producer);

        publisher.handleBatch(List.of(change(USERS, ADA, null)), new RecordingCommitter());

        assertThat(publisher.supportsTombstoneEvents()).isTrue();
        assertThat(producer.history()).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo(ADA);
            assertThat(record.value()).isNull();
        });
    }

    /** Hands the batch over on the engine's thread, as Debezium does, and returns once every change was sent. */
    private Future<Void> handOver(MockProducer<String, byte[]> producer, List<RecordChangeEvent<SourceRecord>> batch,
            RecordingCommitter committer) {
        Future<Void> handled = engineThread.submit(() -> {
            publisher(producer).handleBatch(batch, committer);
            return null;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == batch.size());
        return handled;
    }

    @Test
    void shouldMarkTheBatchProcessedOnlyAfterKafkaAcknowledgedEveryChange() throws Exception {
        MockProducer<String, byte[]> producer = producer(false);
        RecordingCommitter committer = new RecordingCommitter();
        List<RecordChangeEvent<SourceRecord>> batch = List.of(change(USERS, ADA, "{}"), change(USERS, BOB, "{}"));

        Future<Void> handled = handOver(producer, batch, committer);
        producer.completeNext();

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> committer.processed.isEmpty());
        producer.completeNext();
        handled.get();
        assertThat(committer.processed).containsExactlyElementsOf(batch);
        assertThat(committer.batchFinished).isTrue();
    }

    @Test
    void shouldMarkNothingAndStopTheEngineWhenKafkaRefusesAChange() {
        MockProducer<String, byte[]> producer = producer(false);
        RecordingCommitter committer = new RecordingCommitter();
        List<RecordChangeEvent<SourceRecord>> batch = List.of(change(USERS, ADA, "{}"), change(USERS, BOB, "{}"));

        Future<Void> handled = handOver(producer, batch, committer);
        producer.completeNext();
        producer.errorNext(new IllegalStateException("broker gone"));

        assertThatThrownBy(handled::get).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(DebeziumException.class).hasMessageContaining("did not acknowledge");
        assertThat(committer.processed).isEmpty();
        assertThat(committer.batchFinished).isFalse();
    }

    @Test
    void shouldRefuseAChangeKeyWithoutAnId() {
        Schema user = SchemaBuilder.struct().field("user", Schema.STRING_SCHEMA).build();

        assertThatThrownBy(() -> KafkaChangePublisher.userId(new Struct(user).put("user", "x"))).isInstanceOf(DebeziumException.class)
                .hasMessageContaining("no id");
        assertThatThrownBy(() -> KafkaChangePublisher.userId("{\"id\":\"x\"}")).isInstanceOf(DebeziumException.class)
                .hasMessageContaining("no id");
        assertThatThrownBy(() -> KafkaChangePublisher.userId(null)).isInstanceOf(DebeziumException.class)
                .hasMessageContaining("no id");
    }

    @Test
    void shouldKeyAUsernameAnnouncementByTheUserItNamesAndLeaveOneThatNamesNoneUnkeyed() {
        String content = Base64.getEncoder().encodeToString(("{\"id\":\"" + ADA + "\",\"username\":\"ada\"}")
                .getBytes(StandardCharsets.UTF_8));
        String hostile = Base64.getEncoder().encodeToString("{\"id\":42}".getBytes(StandardCharsets.UTF_8));

        assertThat(KafkaChangePublisher.announcedUserId(bytes("{\"op\":\"m\",\"message\":{\"prefix\":\"usersync.username\","
                + "\"content\":\"" + content + "\"}}"))).isEqualTo(ADA);
        assertThat(KafkaChangePublisher.announcedUserId(bytes("{\"op\":\"m\",\"message\":{\"content\":\"" + hostile + "\"}}"))).isNull();
        assertThat(KafkaChangePublisher.announcedUserId(bytes("{\"op\":\"m\",\"message\":{\"content\":\"%%% not base64\"}}"))).isNull();
        assertThat(KafkaChangePublisher.announcedUserId(bytes("{\"op\":\"m\"}"))).isNull();
        assertThat(KafkaChangePublisher.announcedUserId(bytes("not json"))).isNull();
    }

    @Test
    void shouldRoutePublicUsersAndAnnouncementsOnlyWhenReservationsAreCaptured() {
        assertThat(KafkaChangePublisher.topicsByDestination(CaptureConfigs.withReservations()))
                .isEqualTo(Map.of(USERS, CaptureConfigs.CDC_TOPIC, PROFILES, CaptureConfigs.RESERVATIONS_TOPIC,
                        DebeziumProperties.messageDestination(CaptureConfigs.withReservations()),
                        CaptureConfigs.RESERVATIONS_TOPIC));
        assertThat(KafkaChangePublisher.topicsByDestination(CaptureConfigs.withoutReservations()))
                .isEqualTo(Map.of(USERS, CaptureConfigs.CDC_TOPIC));
    }

    @Test
    void shouldPublishAChangeOverMaxRequestSizeWithoutItsLargestColumnAndADeadLetterAndMarkItProcessed() throws Exception {
        MockProducer<String, byte[]> producer = producer(true);
        String big = "{\"name\":\"" + "x".repeat(MAX_REQUEST_SIZE) + "\"}";
        Change oversized = change(USERS, ADA, "{\"op\":\"c\",\"source\":{\"lsn\":42},\"after\":{\"id\":\"" + ADA
                + "\",\"email\":\"ada@example.com\",\"raw_user_meta_data\":" + quoted(big) + "}}");
        Change bob = change(USERS, BOB, "{\"op\":\"c\"}");
        RecordingCommitter committer = new RecordingCommitter();

        publisher(producer).handleBatch(List.of(oversized, bob), committer);

        assertThat(producer.history()).extracting(ProducerRecord::topic, ProducerRecord::key)
                .containsExactly(tuple(CaptureConfigs.CDC_TOPIC, ADA), tuple(DLT, ADA), tuple(CaptureConfigs.CDC_TOPIC, BOB));
        ProducerRecord<String, byte[]> published = producer.history().get(0);
        assertThat(text(published.value())).isEqualTo("{\"op\":\"c\",\"source\":{\"lsn\":42},\"after\":{\"id\":\"" + ADA
                + "\",\"email\":\"ada@example.com\",\"raw_user_meta_data\":\"{}\"}}");
        assertThat(new String(published.headers().lastHeader(KafkaChangePublisher.REDUCED_HEADER).value(), StandardCharsets.UTF_8))
                .isEqualTo("raw_user_meta_data");
        ProducerRecord<String, byte[]> deadLetter = producer.history().get(1);
        assertThat(deadLetter.value()).isEqualTo(published.value());
        assertThat(headers(deadLetter)).containsOnlyKeys(DeadLetterHeaders.NAMES)
                .containsEntry(DeadLetterHeaders.STAGE, DeadLetterHeaders.STAGE_CAPTURE)
                .containsEntry(DeadLetterHeaders.REASON, "record-too-large")
                .containsEntry(DeadLetterHeaders.SOURCE_TOPIC, USERS)
                .containsEntry(DeadLetterHeaders.SOURCE_PARTITION, "-1")
                .containsEntry(DeadLetterHeaders.SOURCE_OFFSET, "42")
                .containsEntry(DeadLetterHeaders.ATTEMPT, "1");
        assertThat(headers(deadLetter).get(DeadLetterHeaders.ERROR_MESSAGE)).contains("raw_user_meta_data").doesNotContain("xxx");
        assertThat(committer.processed).containsExactly(oversized, bob);
    }

    @Test
    void shouldSendOnlyADeadLetterForAnOversizedChangeWithNothingToEmpty() throws Exception {
        MockProducer<String, byte[]> producer = producer(true);
        Change oversized = change(USERS, ADA, "\"" + "x".repeat(MAX_REQUEST_SIZE) + "\"");
        RecordingCommitter committer = new RecordingCommitter();

        publisher(producer).handleBatch(List.of(oversized), committer);

        assertThat(producer.history()).singleElement().satisfies(deadLetter -> {
            assertThat(deadLetter.topic()).isEqualTo(DLT);
            assertThat(deadLetter.value()).isNull();
        });
        assertThat(committer.processed).containsExactly(oversized);
    }

    @Test
    void shouldReadMaxRequestSizeFromTheClientPropertiesOrTakeKafkasDefault() {
        assertThat(KafkaChangePublisher.maxRequestSize(Map.of("max.request.size", "2097152"))).isEqualTo(2097152);
        assertThat(KafkaChangePublisher.maxRequestSize(Map.of())).isEqualTo(1048576);
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\"", "\\\"") + "\"";
    }

    private static Map<String, String> headers(ProducerRecord<String, byte[]> record) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        record.headers().forEach(header -> headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8)));
        return headers;
    }

    private record Change(SourceRecord record) implements RecordChangeEvent<SourceRecord> {
    }

    /** Remembers what the publisher marked processed, as Debezium's committer would store it as offsets. */
    private static final class RecordingCommitter implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {

        final List<RecordChangeEvent<SourceRecord>> processed = new CopyOnWriteArrayList<>();
        volatile boolean batchFinished;

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record) {
            processed.add(record);
        }

        @Override
        public void markBatchFinished() {
            batchFinished = true;
        }

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets offsets) {
            processed.add(record);
        }

        @Override
        public DebeziumEngine.Offsets buildOffsets() {
            throw new UnsupportedOperationException("the publisher keeps Debezium's own offsets");
        }
    }
}
