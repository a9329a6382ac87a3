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
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.usersync.schemas.deadletter.DeadLetterHeaders;

/**
 * The dead letters of the topology's own branch carry exactly the headers of the contract, and the redrive attempt
 * of the input they failed. (TopologyTestDriver does not send what Kafka Streams' handlers return: those are tested
 * in {@code DeadLetterHandlersTest} and, on a real broker, in the app's {@code RedriveIT}.)
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
