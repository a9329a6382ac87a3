package io.usersync.app.ownership;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

/**
 * Gives profile fields the app owns back to the provider ({@code usersync.give_back_to_provider}, migration V7):
 * the pipeline writes them again from the user's metadata, now (capture re-reads the user) and at every later change.
 */
public final class GiveBack {

    /** The fields that follow the provider until the app writes them. */
    public static final List<String> PROFILE_FIELDS = List.of("username", "full_name", "avatar_url");

    private final DataSource database;

    public GiveBack(DataSource database) {
        this.database = database;
    }

    /** Returns how many of the fields the app owned. */
    public int giveBack(UUID userId, Collection<String> fields) throws SQLException {
        if (fields.isEmpty() || !PROFILE_FIELDS.containsAll(fields)) {
            throw new IllegalArgumentException("fields to give back are among " + String.join(", ", PROFILE_FIELDS)
                    + "; got " + fields);
        }
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement("select usersync.give_back_to_provider(?, ?)")) {
            Array array = connection.createArrayOf("text", fields.toArray());
            statement.setObject(1, userId);
            statement.setArray(2, array);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
