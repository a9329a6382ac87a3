package io.usersync.processor.topology;

import java.io.IOException;
import java.util.Locale;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import com.fasterxml.jackson.databind.JsonNode;

import io.usersync.processor.username.UsernameBase;

/**
 * Turns a captured change of {@code public.users(id, username)} into a reservation of that username
 * for that user: usernames of an adopted database, or set by the application, are never handed out again.
 * The pipeline's own writes come back here too and reserve what the user already holds.
 */
final class ReservationParser implements Processor<String, byte[], String, Parsed<UsernameClaim>> {

    private final ProcessorMetrics metrics;
    private ProcessorContext<String, Parsed<UsernameClaim>> context;

    ReservationParser(ProcessorMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Parsed<UsernameClaim>> context) {
        this.context = context;
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
        context.forward(record.withKey(UsernameBase.root(lowerCase))
                .withValue(Parsed.ok(UsernameClaim.reserve(userId, lowerCase))));
    }

}
