package io.usersync.schemas.deadletter;

import static io.usersync.schemas.testing.JsonSchemaAssertions.DEAD_LETTER_HEADERS;
import static io.usersync.schemas.testing.JsonSchemaAssertions.assertValid;
import static io.usersync.schemas.testing.JsonSchemaAssertions.headersJson;
import static io.usersync.schemas.testing.JsonSchemaAssertions.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class DeadLetterHeadersTest {

    private static final Instant TIME = Instant.parse("2026-11-30T20:00:00.123Z");

    private static Map<String, String> headers(int attempt) {
        return DeadLetterHeaders.of(new DeadLetterHeaders.Cause(DeadLetterHeaders.STAGE_SINK, "rejected-by-database",
                        "org.postgresql.util.PSQLException", "PSQLException (SQL state 23505)"),
                new DeadLetterHeaders.Source("usersync.users.profiles", 2, 41), attempt, TIME);
    }

    @Test
    void shouldWriteExactlyTheNamedHeadersInTheirOrder() {
        assertThat(List.copyOf(headers(1).keySet())).isEqualTo(DeadLetterHeaders.NAMES);
    }

    @Test
    void shouldWriteHeadersTheJsonSchemaAccepts() {
        assertValid(DEAD_LETTER_HEADERS, headersJson(headers(3)));
    }

    @Test
    void shouldRequireInTheJsonSchemaExactlyTheHeadersTheCodeNamesAndAllowOnlyTheKeptOnesAndTheCopysId() throws Exception {
        JsonNode schema;
        try (InputStream in = getClass().getResourceAsStream("/schemas/" + DEAD_LETTER_HEADERS)) {
            schema = new ObjectMapper().readTree(in);
        }
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(name -> required.add(name.asText()));
        List<String> described = new ArrayList<>();
        schema.path("properties").fieldNames().forEachRemaining(described::add);

        assertThat(required).isEqualTo(DeadLetterHeaders.NAMES);
        List<String> namedOrKept = new ArrayList<>(DeadLetterHeaders.NAMES);
        namedOrKept.addAll(DeadLetterHeaders.KEPT);
        namedOrKept.add(DeadLetterHeaders.COPY_OF);
        assertThat(described).isEqualTo(namedOrKept);
        assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void shouldRejectAHeaderSetWithAHeaderMissingOrOneMore() {
        Map<String, String> missing = new LinkedHashMap<>(headers(1));
        missing.remove(DeadLetterHeaders.ATTEMPT);
        Map<String, String> extra = new LinkedHashMap<>(headers(1));
        extra.put("__streams.errors.message", "quoted input");

        assertThat(problems(DEAD_LETTER_HEADERS, headersJson(missing))).isNotEmpty();
        assertThat(problems(DEAD_LETTER_HEADERS, headersJson(extra))).isNotEmpty();
    }

    @Test
    void shouldNeverWriteAnAttemptBelowOne() {
        assertThat(headers(0)).containsEntry(DeadLetterHeaders.ATTEMPT, "1");
    }

    @Test
    void shouldReadTheAttemptOfARedrivenRecordAndOneForAnyOther() {
        assertThat(DeadLetterHeaders.attempt("3")).isEqualTo(3);
        assertThat(DeadLetterHeaders.attempt(null)).isEqualTo(1);
        assertThat(DeadLetterHeaders.attempt("three")).isEqualTo(1);
        assertThat(DeadLetterHeaders.attempt("-2")).isEqualTo(1);
    }
}
