package io.usersync.schemas.cdc;

import java.io.IOException;
import java.util.OptionalLong;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code source} block of a Debezium PostgreSQL change event.
 *
 * @param lsn      the change's position in the WAL; null for rows read by an incremental snapshot
 * @param sequence Debezium's {@code ["last committed LSN","current LSN"]} as JSON text
 * @param snapshot {@code "true"}, {@code "last"}, {@code "incremental"}..., or {@code "false"} when streamed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SourceInfo(
        @JsonProperty("lsn") Long lsn,
        @JsonProperty("sequence") String sequence,
        @JsonProperty("txId") Long txId,
        @JsonProperty("ts_ms") Long tsMs,
        @JsonProperty("snapshot") String snapshot,
        @JsonProperty("schema") String schema,
        @JsonProperty("table") String table) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * The position that orders this change against the user's others: its LSN, or for a row read by an
     * incremental snapshot (which has none) the stream position when it was read, from {@code sequence}.
     * Empty when neither is there.
     */
    public OptionalLong position() {
        if (lsn != null) {
            return OptionalLong.of(lsn);
        }
        if (sequence == null) {
            return OptionalLong.empty();
        }
        try {
            JsonNode positions = MAPPER.readTree(sequence);
            long max = -1;
            for (JsonNode position : positions) {
                if (position.isTextual() && position.asText().matches("\\d{1,19}")) {
                    max = Math.max(max, Long.parseLong(position.asText()));
                }
            }
            return max < 0 ? OptionalLong.empty() : OptionalLong.of(max);
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
