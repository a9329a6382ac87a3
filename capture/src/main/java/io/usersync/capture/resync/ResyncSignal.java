package io.usersync.capture.resync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.usersync.capture.engine.DebeziumProperties;

/**
 * Asks the running capture to re-read rows of {@code auth.users}: a row in Debezium's signal table starts
 * an incremental snapshot through the existing slot. The rows come out as snapshot reads ({@code "op":"r"}),
 * which the pipeline always rewrites, whether or not anything changed.
 */
public final class ResyncSignal {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final DataSource database;

    public ResyncSignal(DataSource database) {
        this.database = database;
    }

    /** Re-reads every user. Returns the signal's id. */
    public String requestAll() throws SQLException {
        return signal(List.of());
    }

    /** Re-reads the given users. Ids are typed, so nothing but uuids reaches the snapshot's filter. */
    public String requestUsers(Collection<UUID> userIds) throws SQLException {
        if (userIds.isEmpty()) {
            throw new IllegalArgumentException("no user ids to resync");
        }
        return signal(userIds);
    }

    private String signal(Collection<UUID> userIds) throws SQLException {
        String id = UUID.randomUUID().toString();
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement("insert into " + DebeziumProperties.SIGNAL_TABLE
                        + " (id, type, data) values (?, 'execute-snapshot', ?)")) {
            statement.setString(1, id);
            statement.setString(2, snapshotRequest(userIds));
            statement.executeUpdate();
        }
        return id;
    }

    /**
     * The data of an {@code execute-snapshot} signal: an incremental snapshot of auth.users, filtered to the
     * given users (all users when none are given).
     */
    static String snapshotRequest(Collection<UUID> userIds) {
        ObjectNode data = MAPPER.createObjectNode();
        data.put("type", "incremental");
        data.putArray("data-collections").add(DebeziumProperties.CAPTURED_TABLE);
        if (!userIds.isEmpty()) {
            String ids = userIds.stream().map(id -> "'" + id + "'").collect(Collectors.joining(","));
            ArrayNode conditions = data.putArray("additional-conditions");
            conditions.addObject()
                    .put("data-collection", DebeziumProperties.CAPTURED_TABLE)
                    .put("filter", "id in (" + ids + ")");
        }
        return data.toString();
    }
}
