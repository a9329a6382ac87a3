package io.usersync.processor.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds Debezium change events of auth.users shaped as capture publishes them. */
final class ChangeEvents {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final AtomicLong LSN = new AtomicLong(1_000);

    private ChangeEvents() {
    }

    /** A row builder; columns left unset are null. */
    static Row row(String id) {
        return new Row(id);
    }

    static long nextLsn() {
        return LSN.addAndGet(100);
    }

    static final class Row {
        private final ObjectNode node = MAPPER.createObjectNode();

        private Row(String id) {
            node.put("id", id);
            node.put("created_at", "2026-11-01T10:00:00.000000Z");
            node.put("updated_at", "2026-11-01T10:00:00.000000Z");
            node.put("is_anonymous", false);
            node.put("is_sso_user", false);
        }

        Row email(String email) {
            node.put("email", email);
            return this;
        }

        Row phone(String phone) {
            node.put("phone", phone);
            return this;
        }

        Row userMeta(String json) {
            node.put("raw_user_meta_data", json);
            return this;
        }

        Row appMeta(String json) {
            node.put("raw_app_meta_data", json);
            return this;
        }

        Row confirmed() {
            node.put("email_confirmed_at", "2026-11-01T10:00:01.000000Z");
            return this;
        }

        Row anonymous() {
            node.put("is_anonymous", true);
            return this;
        }

        Row updatedAt(String timestamp) {
            node.put("updated_at", timestamp);
            return this;
        }

        Row lastSignInAt(String timestamp) {
            node.put("last_sign_in_at", timestamp);
            return this;
        }

        Row deletedAt(String timestamp) {
            node.put("deleted_at", timestamp);
            return this;
        }

        Row set(String column, String value) {
            node.put(column, value);
            return this;
        }

        String create(long lsn) {
            return event("c", null, node, lsn);
        }

        String update(long lsn) {
            return event("u", null, node, lsn);
        }

        String read(long lsn) {
            return event("r", null, node, lsn);
        }

        /** A row read by an incremental snapshot: no lsn, its position in {@code sequence}. */
        String incrementalRead(long position) {
            ObjectNode event = (ObjectNode) parse(event("r", null, node, position));
            ObjectNode source = (ObjectNode) event.get("source");
            source.putNull("lsn");
            source.put("snapshot", "incremental");
            source.put("sequence", "[\"" + (position - 50) + "\",\"" + position + "\"]");
            return event.toString();
        }

        String delete(long lsn) {
            ObjectNode key = MAPPER.createObjectNode();
            key.put("id", node.get("id").asText());
            return event("d", key, null, lsn);
        }
    }

    private static String event(String op, ObjectNode before, ObjectNode after, long lsn) {
        ObjectNode event = MAPPER.createObjectNode();
        event.set("before", before);
        event.set("after", after == null ? null : after.deepCopy());
        ObjectNode source = event.putObject("source");
        source.put("lsn", lsn);
        source.put("ts_ms", 1_790_000_000_000L + lsn);
        source.put("schema", "auth");
        source.put("table", "users");
        source.put("snapshot", "r".equals(op) ? "true" : "false");
        event.put("op", op);
        event.put("ts_ms", 1_790_000_000_100L + lsn);
        return event.toString();
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
