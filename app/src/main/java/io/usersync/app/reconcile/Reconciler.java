package io.usersync.app.reconcile;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import io.usersync.capture.CaptureConfig;
import io.usersync.processor.normalize.NormalizedProfile;
import io.usersync.processor.normalize.ProfileNormalizer;
import io.usersync.schemas.cdc.AuthUserRow;
import io.usersync.schemas.database.ProfileTable;

/**
 * Compares auth.users with public.users. Missing and orphaned rows are found with one set-based query
 * each; drifted rows page through the join by id (keyset pagination) and compare with the same
 * normalization the pipeline applies. Changes younger than the grace period are in flight, not drift, and so is a
 * profile field the app owns (migration V7): the pipeline leaves it as the app wrote it.
 */
public final class Reconciler {

    /** Changes younger than this are in flight, not drift: {@code USERSYNC_RECONCILE_GRACE_S} and {@code --grace}. */
    public static final long DEFAULT_GRACE_SECONDS = 60;
    private static final int PAGE = 2_000;

    /** Where a query names the profile table. */
    private static final String TABLE = "{profile_table}";
    private static final String MISSING = """
            select a.id::text from auth.users a left join {profile_table} u on u.id = a.id
            where u.id is null and a.deleted_at is null and coalesce(a.updated_at, a.created_at, now()) < now() - ?::interval
            order by a.id
            """;
    private static final String ORPHANED = """
            select u.id::text from {profile_table} u left join auth.users a on a.id = u.id
            where (a.id is null or a.deleted_at is not null) and u.deleted_at is null and u.synced_at < now() - ?::interval
            order by u.id
            """;
    private static final String PAIRS = """
            select a.id, a.email, a.phone, a.raw_app_meta_data::text, a.raw_user_meta_data::text,
                   a.email_confirmed_at::text, a.is_anonymous,
                   u.email, u.full_name, u.avatar_url, u.provider, u.providers, u.email_verified, u.is_anonymous,
                   array(select o.field from usersync.app_owned_fields o where o.user_id = a.id)
            from auth.users a join {profile_table} u on u.id = a.id
            where a.deleted_at is null and (cast(? as uuid) is null or a.id > cast(? as uuid))
              and coalesce(a.updated_at, a.created_at, now()) < now() - ?::interval
            order by a.id
            limit ?
            """;

    private final DataSource database;
    private final ProfileTable table;
    private final Duration grace;

    public Reconciler(DataSource database, ProfileTable table, Duration grace) {
        this.database = database;
        this.table = table;
        this.grace = grace;
    }

    public DriftReport run() throws SQLException {
        try (Connection connection = database.getConnection()) {
            connection.setReadOnly(true);
            return new DriftReport(ids(connection, on(MISSING)), ids(connection, on(ORPHANED)), drifted(connection));
        }
    }

    private List<String> ids(Connection connection, String sql) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, grace.toMillis() + " milliseconds");
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private List<String> drifted(Connection connection) throws SQLException {
        List<String> drifted = new ArrayList<>();
        Object after = null;
        try (PreparedStatement statement = connection.prepareStatement(on(PAIRS))) {
            while (true) {
                statement.setObject(1, after, Types.OTHER);
                statement.setObject(2, after, Types.OTHER);
                statement.setString(3, grace.toMillis() + " milliseconds");
                statement.setInt(4, PAGE);
                int rows = 0;
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        after = rs.getObject(1);
                        if (differs(rs)) {
                            drifted.add(after.toString());
                        }
                    }
                }
                if (rows < PAGE) {
                    return drifted;
                }
            }
        }
    }

    private String on(String query) {
        return query.replace(TABLE, table.qualified());
    }

    private static boolean differs(ResultSet rs) throws SQLException {
        AuthUserRow row = new AuthUserRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), null, null, null, null, null, rs.getBoolean(7), false);
        NormalizedProfile expected;
        try {
            expected = ProfileNormalizer.normalize(row);
        } catch (RuntimeException e) {
            // Metadata the pipeline cannot read: that user is in the dead-letter topic, not drift.
            return false;
        }
        Array providers = rs.getArray(12);
        List<String> actualProviders = providers == null ? null : Arrays.asList((String[]) providers.getArray());
        List<String> appOwned = Arrays.asList((String[]) rs.getArray(15).getArray());
        return !Objects.equals(expected.email(), rs.getString(8))
                || !appOwned.contains("full_name") && !Objects.equals(expected.fullName(), rs.getString(9))
                || !appOwned.contains("avatar_url") && !Objects.equals(expected.avatarUrl(), rs.getString(10))
                || !Objects.equals(expected.provider(), rs.getString(11))
                || !Objects.equals(expected.providers(), actualProviders)
                || expected.emailVerified() != rs.getBoolean(13)
                || expected.isAnonymous() != rs.getBoolean(14);
    }
}
