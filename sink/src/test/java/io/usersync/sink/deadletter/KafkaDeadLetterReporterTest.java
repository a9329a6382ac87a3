package io.usersync.sink.deadletter;

import static io.usersync.schemas.testing.JsonSchemaAssertions.DEAD_LETTER_HEADERS;
import static io.usersync.schemas.testing.JsonSchemaAssertions.assertValid;
import static io.usersync.schemas.testing.JsonSchemaAssertions.headersJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.profile.ProfileHeaders;
import io.usersync.sink.batch.ProfileRecords;
import io.usersync.sink.batch.ProfileWrite;

class KafkaDeadLetterReporterTest {

    private static final String USER = "6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11";
    private static final TopicPartition PROFILES = new TopicPartition("usersync.users.profiles", 2);
    private static final byte[] ORIGINAL = ("{\"id\":\"" + USER + "\",\"username\":\"alice\",\"email\":\"alice@example.com\"}")
            .getBytes(StandardCharsets.UTF_8);

    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
    private final KafkaDeadLetterReporter reporter = new KafkaDeadLetterReporter(producer, "usersync.dlt",
            Clock.fixed(Instant.parse("2026-11-30T20:00:00Z"), ZoneOffset.UTC));

    @Test
    void shouldWriteExactlyTheContractsHeadersWithTheOriginalKeyAndBytes() {
        reporter.report(new ProfileWrite(USER, null, Long.MAX_VALUE, PROFILES, 41, ORIGINAL), DeadLetterReasons.REJECTED_BY_DATABASE,
                new SQLException("duplicate key value (username)=(alice)", "23505"));

        ProducerRecord<String, byte[]> deadLetter = only();
        assertThat(deadLetter.key()).isEqualTo(USER);
        assertThat(deadLetter.value()).isEqualTo(ORIGINAL);
        assertThat(names(deadLetter)).isEqualTo(DeadLetterHeaders.NAMES);
        assertValid(DEAD_LETTER_HEADERS, headersJson(texts(deadLetter)));
        assertThat(texts(deadLetter))
                .containsEntry(DeadLetterHeaders.STAGE, DeadLetterHeaders.STAGE_SINK)
                .containsEntry(DeadLetterHeaders.REASON, DeadLetterReasons.REJECTED_BY_DATABASE)
                .containsEntry(DeadLetterHeaders.SOURCE_TOPIC, PROFILES.topic())
                .containsEntry(DeadLetterHeaders.SOURCE_PARTITION, "2")
                .containsEntry(DeadLetterHeaders.SOURCE_OFFSET, "41")
                .containsEntry(DeadLetterHeaders.ATTEMPT, "1");
        assertThat(texts(deadLetter).values()).noneMatch(text -> text.contains("alice"));
    }

    @Test
    void shouldCarryTheAttemptOfARedrivenProfileOntoItsDeadLetter() throws Exception {
        ConsumerRecord<String, byte[]> redriven = new ConsumerRecord<>(PROFILES.topic(), PROFILES.partition(), 9L, USER, ORIGINAL);
        redriven.headers().add(DeadLetterHeaders.ATTEMPT, "3".getBytes(StandardCharsets.UTF_8));

        reporter.report(ProfileRecords.parse(redriven), DeadLetterReasons.REJECTED_BY_DATABASE, new SQLException("x", "23505"));

        assertThat(texts(only())).containsEntry(DeadLetterHeaders.ATTEMPT, "3");
    }

    @Test
    void shouldKeepTheSourceLsnOfATombstoneOnItsDeadLetterForARedrive() {
        reporter.report(new ProfileWrite(USER, null, 1234, PROFILES, 41, null), DeadLetterReasons.UNCLASSIFIED_DATABASE_ERROR,
                new SQLException("refused", "P0001"));

        ProducerRecord<String, byte[]> deadLetter = only();
        assertThat(names(deadLetter)).containsExactlyElementsOf(
                java.util.stream.Stream.concat(DeadLetterHeaders.NAMES.stream(), DeadLetterHeaders.KEPT.stream()).toList());
        assertThat(texts(deadLetter)).containsEntry(ProfileHeaders.SOURCE_LSN, "1234");
        assertValid(DEAD_LETTER_HEADERS, headersJson(texts(deadLetter)));
    }

    private ProducerRecord<String, byte[]> only() {
        assertThat(producer.history()).hasSize(1);
        return producer.history().get(0);
    }

    private static List<String> names(ProducerRecord<String, byte[]> record) {
        List<String> names = new ArrayList<>();
        record.headers().forEach(header -> names.add(header.key()));
        return names;
    }

    private static Map<String, String> texts(ProducerRecord<String, byte[]> record) {
        Map<String, String> texts = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            texts.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return texts;
    }
}
