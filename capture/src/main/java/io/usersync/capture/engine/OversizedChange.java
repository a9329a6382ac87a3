package io.usersync.capture.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A change event too big for Kafka, made to fit: the largest columns of its rows ({@code before} and
 * {@code after}), one after the other, are replaced by an empty value of their kind ({@code {}} for the jsonb
 * columns, {@code []} for a JSON array, null for any other text) until the event fits. The key column stays.
 * What is left is what the stream processor builds the profile from; the change's position (op, source, LSN)
 * is untouched, so ordering and deduplication work as for any other change.
 */
final class OversizedChange {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> ROWS = List.of("before", "after");
    private static final String KEY_COLUMN = "id";

    /** The change made to fit, the columns emptied with their size in bytes before, and the change's LSN (-1 if none). */
    record Reduced(String value, Map<String, Integer> emptiedColumns, long lsn) {
    }

    private record Column(ObjectNode row, String name, String text, int bytes) {
    }

    private OversizedChange() {
    }

    /**
     * The change with its largest columns emptied until its UTF-8 form is at most {@code maxBytes}; empty when it
     * is not a JSON object, or does not fit even with every column but the key emptied.
     */
    static Optional<Reduced> reduce(String value, int maxBytes) {
        JsonNode change;
        try {
            change = MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (!(change instanceof ObjectNode)) {
            return Optional.empty();
        }
        List<Column> columns = new ArrayList<>();
        for (String row : ROWS) {
            if (change.get(row) instanceof ObjectNode node) {
                node.properties().forEach(column -> {
                    if (!column.getKey().equals(KEY_COLUMN) && column.getValue().isTextual()) {
                        String text = column.getValue().asText();
                        columns.add(new Column(node, column.getKey(), text, bytes(text)));
                    }
                });
            }
        }
        columns.sort(Comparator.comparingInt(Column::bytes).reversed());
        Map<String, Integer> emptied = new LinkedHashMap<>();
        for (Column column : columns) {
            emptyOut(column);
            emptied.merge(column.name(), column.bytes(), Math::max);
            String reduced = change.toString();
            if (bytes(reduced) <= maxBytes) {
                return Optional.of(new Reduced(reduced, emptied, change.path("source").path("lsn").asLong(-1)));
            }
        }
        return Optional.empty();
    }

    /** The LSN of a change event, -1 when it has none or is not JSON. */
    static long lsn(String value) {
        try {
            return value == null ? -1 : MAPPER.readTree(value).path("source").path("lsn").asLong(-1);
        } catch (JsonProcessingException e) {
            return -1;
        }
    }

    private static void emptyOut(Column column) {
        String text = column.text().stripLeading();
        if (text.startsWith("{")) {
            column.row().put(column.name(), "{}");
        } else if (text.startsWith("[")) {
            column.row().put(column.name(), "[]");
        } else {
            column.row().putNull(column.name());
        }
    }

    static int bytes(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
}
