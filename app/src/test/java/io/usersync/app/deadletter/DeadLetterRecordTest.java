package io.usersync.app.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.profile.ProfileHeaders;

class DeadLetterRecordTest {

    private static final Instant FAILED_AT = Instant.parse("2026-11-30T20:00:00Z");
    private static final String USER = "6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11";

    private static ConsumerRecord<String, byte[]> record(long offset, Map<String, String> headers) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("usersync.dlt", 1, offset, USER, new byte[] {1});
        headers.forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    private static DeadLetterRecord sinkLetter(int attempt) {
        return DeadLetterRecord.of(record(7, DeadLetterHeaders.of(new DeadLetterHeaders.Cause(DeadLetterHeaders.STAGE_SINK,
                        "rejected-by-database", "org.postgresql.util.PSQLException", "PSQLException (SQL state 23505)"),
                new DeadLetterHeaders.Source("usersync.users.profiles", 2, 41), attempt, FAILED_AT)));
    }

    private static DeadLetterRecord streamsHandlerLetter() {
        return DeadLetterRecord.of(record(8, Map.of(
                "__streams.errors.exception", "org.apache.kafka.common.errors.SerializationException",
                "__streams.errors.message", "Unrecognized token 'alice@example.com'",
                "__streams.errors.stacktrace", "org.apache.kafka.common.errors.SerializationException: alice@example.com",
                "__streams.errors.topic", "usersync-processor-username-claims",
                "__streams.errors.partition", "0",
                "__streams.errors.offset", "5")));
    }

    @Test
    void shouldDecodeEveryHeaderOfTheContract() {
        DeadLetterRecord letter = sinkLetter(3);

        assertThat(letter.id()).isEqualTo("1:7");
        assertThat(letter.stage()).isEqualTo("sink");
        assertThat(letter.reason()).isEqualTo("rejected-by-database");
        assertThat(letter.source()).isEqualTo("usersync.users.profiles-2@41");
        assertThat(letter.attempt()).isEqualTo(3);
        assertThat(letter.failedAt()).isEqualTo(FAILED_AT);
    }

    @Test
    void shouldReadADeadLetterOfKafkaStreamsOwnHandlersAsTheStreamProcessorsWithoutItsMessage() {
        DeadLetterRecord letter = streamsHandlerLetter();

        assertThat(letter.stage()).isEqualTo(DeadLetterHeaders.STAGE_PROCESSOR);
        assertThat(letter.reason()).isEqualTo(DeadLetterRecord.STREAMS_HANDLER);
        assertThat(letter.source()).isEqualTo("usersync-processor-username-claims-0@5");
        assertThat(letter.sourceTopic()).isEqualTo("usersync-processor-username-claims");
        assertThat(letter.errorMessage()).isEqualTo("SerializationException");
        assertThat(letter.attempt()).isEqualTo(1);
    }

    @Test
    void shouldListStageReasonAndSourceOfADeadLetterOfEachWriter() {
        String table = DeadLetterTable.render(List.of(sinkLetter(1), streamsHandlerLetter()), FAILED_AT.plusSeconds(90));

        List<String> lines = table.lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(1)).startsWith("1:7 ").contains(" 1m ", " sink ", " rejected-by-database ", " " + USER + " ",
                " usersync.users.profiles-2@41 ", "PSQLException");
        assertThat(lines.get(2)).startsWith("1:8 ").contains(" stream-processor ", " streams-handler ",
                " usersync-processor-username-claims-0@5 ", "SerializationException").doesNotContain("alice");
        assertThat(lines.get(3)).isEqualTo("2 dead letters");
    }

    @Test
    void shouldRepublishTheKeyAndOriginalBytesWithTheAttemptAfterTheDeadLetters() {
        ProducerRecord<String, byte[]> redriven = Redrive.redriven(sinkLetter(2));

        assertThat(redriven.topic()).isEqualTo("usersync.users.profiles");
        assertThat(redriven.key()).isEqualTo(USER);
        assertThat(redriven.value()).isEqualTo(new byte[] {1});
        Header[] headers = redriven.headers().toArray();
        assertThat(headers).hasSize(1);
        assertThat(headers[0].key()).isEqualTo(DeadLetterHeaders.ATTEMPT);
        assertThat(new String(headers[0].value(), StandardCharsets.UTF_8)).isEqualTo("3");
    }

    @Test
    void shouldRepublishATombstoneWithTheSourceLsnItsDeadLetterKept() {
        Map<String, String> headers = new java.util.LinkedHashMap<>(DeadLetterHeaders.of(new DeadLetterHeaders.Cause(
                        DeadLetterHeaders.STAGE_SINK, "unclassified-database-error", "org.postgresql.util.PSQLException", "P0001"),
                new DeadLetterHeaders.Source("usersync.users.profiles", 2, 41), 1, FAILED_AT));
        headers.put(ProfileHeaders.SOURCE_LSN, "1234");
        ConsumerRecord<String, byte[]> tombstone = new ConsumerRecord<>("usersync.dlt", 1, 9, USER, null);
        headers.forEach((name, value) -> tombstone.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));

        ProducerRecord<String, byte[]> redriven = Redrive.redriven(DeadLetterRecord.of(tombstone));

        assertThat(redriven.value()).isNull();
        assertThat(new String(redriven.headers().lastHeader(ProfileHeaders.SOURCE_LSN).value(), StandardCharsets.UTF_8))
                .isEqualTo("1234");
        assertThat(new String(redriven.headers().lastHeader(DeadLetterHeaders.ATTEMPT).value(), StandardCharsets.UTF_8))
                .isEqualTo("2");
    }
}
