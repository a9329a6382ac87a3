package io.usersync.processor.topology;

import java.io.IOException;
import java.util.Locale;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import com.fasterxml.jackson.databind.JsonNode;

import io.usersync.processor.username.UsernameBase;

/**
 * Turns a row of {@code public.users(id, username)} (capture's initial snapshot of an adopted database) or an
 * announcement of a username set outside the pipeline (a logical decoding message, {@code "op":"m"}, whose
 * content is {@code {"id": ..., "username": ...}}) into a reservation of that username for that user: it is
 * never handed out again. A write of the pipeline's own that is announced all the same comes back here too:
 * when this task owns the username's root it sees that the user holds the name already and drops the echo;
 * otherwise the owning task does.
 */
final class ReservationParser implements Processor<String, byte[], String, Parsed<UsernameClaim>> {

    private final ProcessorMetrics metrics;
    private final int claimsPartitions;
    private ProcessorContext<String, Parsed<UsernameClaim>> context;
    private ClaimPartitions ownedRoots;
    private KeyValueStore<String, String> owners;

    ReservationParser(ProcessorMetrics metrics, int claimsPartitions) {
        this.metrics = metrics;
        this.claimsPartitions = claimsPartitions;
    }

    @Override
    public void init(ProcessorContext<String, Parsed<UsernameClaim>> context) {
        this.context = context;
        this.ownedRoots = new ClaimPartitions(claimsPartitions, context.taskId().partition());
        this.owners = context.getStateStore(UsernameClaimProcessor.STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        JsonNode json;
        try {
            json = JsonSerde.MAPPER.readTree(record.value());
        } catch (IOException e) {
            DeadLetterBranch.forward(DeadLetterBranch.cause(DeadLetterBranch.NOT_JSON, e), context, record, metrics);
            return;
        }
        if (json == null || !json.isObject() || !json.has("op")) {
            DeadLetterBranch.forward(DeadLetterBranch.cause(DeadLetterBranch.NOT_A_CHANGE_EVENT, "no op"), context, record, metrics);
            return;
        }
        JsonNode row = json.path("after");
        if ("m".equals(json.path("op").asText())) {
            row = announcedRow(json.path("message").path("content"));
            if (row == null) {
                DeadLetterBranch.forward(DeadLetterBranch.cause(DeadLetterBranch.NOT_A_CHANGE_EVENT,
                        "the announcement's content is not a JSON object"), context, record, metrics);
                return;
            }
        }
        String userId = row.path("id").asText(null);
        String username = row.path("username").asText(null);
        if ("d".equals(json.path("op").asText()) || username == null) {
            return;
        }
        if (userId == null || userId.isBlank()) {
            DeadLetterBranch.forward(DeadLetterBranch.cause(DeadLetterBranch.MISSING_ID, "the changed row has no id"), context, record, metrics);
            return;
        }
        String lowerCase = username.toLowerCase(Locale.ROOT);
        String root = UsernameBase.root(lowerCase);
        if (ownedRoots.ownsRoot(root) && userId.equals(owners.get(lowerCase))) {
            return;
        }
        context.forward(record.withKey(root).withValue(Parsed.<UsernameClaim>ok(UsernameClaim.reserve(userId, lowerCase)))
                .withHeaders(DeadLetterBranch.withoutAttempt(record.headers())));
    }

    /** The {@code {"id": ..., "username": ...}} of an announcement, base64 in Debezium's JSON; null if it is not one. */
    private static JsonNode announcedRow(JsonNode content) {
        if (!content.isTextual()) {
            return null;
        }
        try {
            JsonNode row = JsonSerde.MAPPER.readTree(content.binaryValue());
            return row != null && row.isObject() ? row : null;
        } catch (IOException e) {
            return null;
        }
    }

}
