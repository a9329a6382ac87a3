package io.usersync.schemas.cdc;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The {@code source} block of a Debezium PostgreSQL change event. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SourceInfo(
        @JsonProperty("lsn") Long lsn,
        @JsonProperty("txId") Long txId,
        @JsonProperty("ts_ms") Long tsMs,
        @JsonProperty("snapshot") String snapshot,
        @JsonProperty("schema") String schema,
        @JsonProperty("table") String table) {
}
