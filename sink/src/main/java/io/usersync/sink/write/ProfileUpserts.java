package io.usersync.sink.write;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.postgresql.PGConnection;

import io.usersync.schemas.database.ProfileTable;
import io.usersync.schemas.profile.UserProfile;

/** Upserts profiles into the profile table the fastest way for their number, under the guard it is given. */
final class ProfileUpserts {

    /**
     * Up to this many rows go as one prepared upsert per row, sent together: three round trips fewer than the staging
     * table's and no truncate, which is what a batch of a few rows, the common one while sign-ups stream, costs.
     */
    static final int SMALL_BATCH = 32;

    private final String createStaging;
    private final String upsertFromStaging;
    private final String upsertRow;

    ProfileUpserts(ProfileTable table) {
        this.createStaging = ProfileSql.on(table, ProfileSql.CREATE_STAGING);
        this.upsertFromStaging = ProfileSql.on(table, ProfileSql.UPSERT_FROM_STAGING);
        this.upsertRow = ProfileSql.on(table, ProfileSql.UPSERT_ROW);
    }

    /**
     * @param onConflict the guard: {@link ProfileSql#ON_CONFLICT_NEWER} or
     *                   {@link ProfileSql#ON_CONFLICT_NEWER_OR_CHANGED}
     */
    void upsert(Connection connection, List<UserProfile> profiles, String onConflict) throws SQLException {
        if (profiles.size() <= SMALL_BATCH) {
            upsertRows(connection, profiles, onConflict);
        } else {
            upsertThroughStaging(connection, profiles, upsertFromStaging + onConflict);
        }
    }

    private void upsertRows(Connection connection, List<UserProfile> profiles, String onConflict) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(upsertRow + onConflict)) {
            for (UserProfile profile : profiles) {
                statement.setString(1, profile.id());
                statement.setString(2, profile.email());
                statement.setString(3, profile.username());
                statement.setString(4, profile.fullName());
                statement.setString(5, profile.avatarUrl());
                statement.setString(6, profile.provider());
                statement.setString(7, Csv.array(profile.providers()));
                statement.setBoolean(8, profile.emailVerified());
                statement.setBoolean(9, profile.isAnonymous());
                statement.setString(10, profile.createdAt());
                statement.setString(11, profile.updatedAt());
                statement.setString(12, profile.lastSignInAt());
                statement.setLong(13, profile.sourceLsn());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /**
     * COPY into a session-local staging table, then one set-based upsert: the fastest of the measured
     * write paths (see the closing note of the sink issue and {@code WritePathBenchmark}).
     */
    private void upsertThroughStaging(Connection connection, List<UserProfile> profiles, String upsert) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(createStaging);
            statement.execute(ProfileSql.CLEAR_STAGING);
            try {
                connection.unwrap(PGConnection.class).getCopyAPI()
                        .copyIn(ProfileSql.COPY_STAGING, new StringReader(Csv.rows(profiles)));
            } catch (IOException e) {
                throw new SQLException("COPY into the staging table failed", "08006", e);
            }
            statement.executeUpdate(upsert);
        }
    }
}
