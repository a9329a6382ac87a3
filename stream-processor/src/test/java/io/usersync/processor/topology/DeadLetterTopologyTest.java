package io.usersync.processor.topology;

import static io.usersync.processor.topology.ChangeEvents.nextLsn;
import static io.usersync.processor.topology.ChangeEvents.row;
import static io.usersync.schemas.testing.JsonSchemaAssertions.DEAD_LETTER_HEADERS;
import static io.usersync.schemas.testing.JsonSchemaAssertions.assertValid;
import static io.usersync.schemas.testing.JsonSchemaAssertions.headersJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.usersync.processor.deadletter.DeadLetterDeserializationHandler;
import io.usersync.schemas.deadletter.DeadLetterHeaders;

/**
 * The stream processor's dead letters, from the topology's own branch and from Kafka Streams' handlers, carry
 * exactly the headers of the contract, and the redrive attempt of the input they failed.
 */
class DeadLetterTopologyTest {

    private static final byte[] GARBAGE = {0x01, 0x02, (byte) 0xff};

    private final TopologyFixture fixture = new TopologyFixture(false, 1);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void shouldWriteExactlyTheContractsHeadersOnADeadLetterOfTheTopology() {
        fixture.cdc.pipeInput("some-key", GARBAGE);

        Headers headers = fixture.deadLetters.readRecord().headers();
        assertThat(names(headers)).isEqualTo(DeadLetterHeaders.NAMES);
        assertValid(DEAD_LETTER_HEADERS, headersJson(texts(headers)));
    }

    @Test
    void shouldSendAClaimThatCannotBeReadToTheDeadLetterTopicWithTheSameHeaders() {
        TestInputTopic<String, byte[]> claims = fixture.driver.createInputTopic(fixture.config.claimsTopic(),
                Serdes.String().serializer(), Serdes.ByteArray().serializer());
        claims.pipeInput("alice", "{\"not\": \"a claim\"".getBytes(StandardCharsets.UTF_8));

        TestRecord<String, byte[]> deadLetter = fixture.deadLetters.readRecord();
        Map<String, String> headers = texts(deadLetter.headers());
        assertThat(names(deadLetter.headers())).isEqualTo(DeadLetterHeaders.NAMES);
        assertValid(DEAD_LETTER_HEADERS, headersJson(headers));
        assertThat(headers).containsEntry(DeadLetterHeaders.STAGE, DeadLetterHeaders.STAGE_PROCESSOR)
                .containsEntry(DeadLetterHeaders.REASON, DeadLetterDeserializationHandler.REASON)
                .containsEntry(DeadLetterHeaders.SOURCE_TOPIC, fixture.config.claimsTopic())
                .containsEntry(DeadLetterHeaders.ATTEMPT, "1");
        assertThat(deadLetter.key()).isEqualTo("alice");
        assertThat(deadLetter.value()).isEqualTo("{\"not\": \"a claim\"".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldCarryTheAttemptOfARedrivenInputOntoItsDeadLetter() {
        fixture.cdc.pipeInput(new TestRecord<>("some-key", GARBAGE, attempt("3")));

        assertThat(texts(fixture.deadLetters.readRecord().headers())).containsEntry(DeadLetterHeaders.ATTEMPT, "3");
    }

    @Test
    void shouldNotPassTheAttemptOfARedrivenChangeOnToItsProfile() {
        String id = UUID.randomUUID().toString();
        fixture.cdc.pipeInput(new TestRecord<>(id, ChangeEvents.bytes(row(id).email("redriven@example.com").userMeta("{}")
                .appMeta("{\"provider\":\"email\",\"providers\":[\"email\"]}").create(nextLsn())), attempt("2")));

        Headers profileHeaders = fixture.profiles.readRecord().headers();
        assertThat(profileHeaders.lastHeader(DeadLetterHeaders.ATTEMPT)).isNull();
        assertThat(fixture.deadLetters.isEmpty()).isTrue();
    }

    private static Headers attempt(String attempt) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.ATTEMPT, attempt.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /** Every header name in order, repeats included. */
    private static List<String> names(Headers headers) {
        List<String> names = new ArrayList<>();
        headers.forEach(header -> names.add(header.key()));
        return names;
    }

    private static Map<String, String> texts(Headers headers) {
        Map<String, String> texts = new LinkedHashMap<>();
        for (Header header : headers) {
            texts.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return texts;
    }
}
