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
 * Turns a captured change of {@code public.users(id, username)} into a reservation of that username
 * for that user: usernames of an adopted database, or set by the application, are never handed out again.
 * The pipeline's own writes come back here too: when this task owns the username's root it sees that the
 * user holds the name already and drops the echo; otherwise the owning task does.
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
            DeadLetter.of(DeadLetter.NOT_JSON, e).forward(context, record, metrics);
            return;
        }
        if (json == null || !json.isObject() || !json.has("op")) {
            DeadLetter.of(DeadLetter.NOT_A_CHANGE_EVENT, "no op").forward(context, record, metrics);
            return;
        }
        JsonNode after = json.path("after");
        String userId = after.path("id").asText(null);
        String username = after.path("username").asText(null);
        if ("d".equals(json.path("op").asText()) || username == null) {
            return;
        }
        if (userId == null || userId.isBlank()) {
            DeadLetter.of(DeadLetter.MISSING_ID, "the changed row has no id").forward(context, record, metrics);
            return;
        }
        String lowerCase = username.toLowerCase(Locale.ROOT);
        String root = UsernameBase.root(lowerCase);
        if (ownedRoots.ownsRoot(root) && userId.equals(owners.get(lowerCase))) {
            return;
        }
        context.forward(record.withKey(root).withValue(Parsed.ok(UsernameClaim.reserve(userId, lowerCase))));
    }

}
