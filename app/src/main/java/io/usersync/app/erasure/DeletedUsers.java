package io.usersync.app.erasure;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.usersync.app.deadletter.DeadLetterRecord;

/**
 * The users the sink has deleted ({@code usersync.sink_deletes}: hard and soft deletes) among those dead letters name,
 * and which dead letters are theirs: a dead letter is a user's when its key is their id or its value names it (a
 * record whose key is no user id may still be a change of theirs).
 */
final class DeletedUsers {

    private final Set<String> ids;

    private DeletedUsers(Set<String> ids) {
        this.ids = ids;
    }

    /** Those of the users the records name whose delete the sink has applied. */
    static DeletedUsers namedBy(Connection connection, Iterable<List<ConsumerRecord<String, byte[]>>> records)
            throws SQLException {
        Set<UUID> named = new HashSet<>();
        records.forEach(partition -> partition.forEach(record -> UserIds.in(record).forEach(id -> named.add(UUID.fromString(id)))));
        Set<String> deleted = new HashSet<>();
        if (named.isEmpty()) {
            return new DeletedUsers(deleted);
        }
        try (PreparedStatement select = connection.prepareStatement(
                "select user_id::text from usersync.sink_deletes where user_id = any(?)")) {
            select.setArray(1, connection.createArrayOf("uuid", named.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    deleted.add(rows.getString(1));
                }
            }
        }
        return new DeletedUsers(deleted);
    }

    boolean isEmpty() {
        return ids.isEmpty();
    }

    /** Whether the record is a dead letter of one of these users. */
    boolean named(ConsumerRecord<String, byte[]> record) {
        return !DeadLetterRecord.isSegmentMarker(record) && UserIds.in(record).stream().anyMatch(ids::contains);
    }
}
