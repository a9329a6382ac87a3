package io.usersync.schemas.cdc;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A Debezium change event of {@code auth.users}, as it sits on {@code usersync.auth.users.cdc}
 * (JSON without the schema envelope). Unwrapped into a profile once, at the stream processor's edge.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuthUserChange(
        @JsonProperty("op") String op,
        @JsonProperty("before") AuthUserRow before,
        @JsonProperty("after") AuthUserRow after,
        @JsonProperty("source") SourceInfo source,
        @JsonProperty("ts_ms") Long tsMs) {

    public static final String OP_CREATE = "c";
    public static final String OP_UPDATE = "u";
    public static final String OP_DELETE = "d";
    public static final String OP_READ = "r";

    /** A snapshot read: a resync of an existing row, which is always rewritten downstream. */
    public boolean isRead() {
        return OP_READ.equals(op);
    }

    /**
     * A row of the snapshot Debezium takes when it creates the replication slot (at the first start, or when the slot
     * was lost), not of an incremental one: the snapshot holds every transaction committed before the slot's
     * consistent point, and the slot streams every one committed after it, at the LSNs of its changes, which can be
     * below the snapshot's.
     */
    public boolean isSlotSnapshotRead() {
        return isRead() && source != null && source.snapshot() != null && !"incremental".equals(source.snapshot())
                && !"false".equals(source.snapshot());
    }

    public boolean isDelete() {
        return OP_DELETE.equals(op);
    }
}
