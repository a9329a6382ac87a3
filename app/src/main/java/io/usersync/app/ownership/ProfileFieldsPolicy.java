package io.usersync.app.ownership;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import javax.sql.DataSource;

import io.usersync.schemas.database.ProfileTable;

/**
 * Who owns the profile fields of public.users ({@code username}, {@code full_name}, {@code avatar_url}):
 * {@code USERSYNC_PROFILE_FIELDS}. The database holds the policy in force (migration V7's trigger and the
 * column privileges, changed together by {@code usersync.apply_profile_fields_policy}); {@code migrate} applies
 * the configured one, and {@code run} refuses to start on a database that holds another.
 */
public enum ProfileFieldsPolicy {
    /** Seeded from the provider, following it until anyone but the pipeline writes the field; never overwritten then. */
    EDITABLE("editable"),
    /** auth.users owns every field: the pipeline overwrites them all, and nobody else may update them. */
    FROM_AUTH("from-auth");

    private final String value;

    ProfileFieldsPolicy(String value) {
        this.value = value;
    }

    /** As the variable and the database name it. */
    public String value() {
        return value;
    }

    public static Optional<ProfileFieldsPolicy> parse(String value) {
        return Arrays.stream(values()).filter(policy -> policy.value.equals(value.trim().toLowerCase(Locale.ROOT))).findFirst();
    }

    /** Makes this the policy in force: the trigger and the privileges, in one transaction. */
    public void apply(DataSource database) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement("select usersync.apply_profile_fields_policy(?)")) {
            statement.setString(1, value);
            statement.execute();
        }
    }

    /** What {@link #apply} runs, as a statement for a script ({@code usersync migrate --print-sql}). */
    public String sql() {
        return "select usersync.apply_profile_fields_policy('" + value + "');";
    }

    /**
     * The policy the database holds for this profile table; empty when the table is not the one {@code migrate} made or
     * adopted (no migration V7 on it).
     */
    public static Optional<ProfileFieldsPolicy> inForce(DataSource database, ProfileTable table) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement("select t.tgenabled = 'D' from pg_catalog.pg_trigger t"
                        + " where t.tgrelid = pg_catalog.to_regclass(?) and t.tgname = 'users_keep_app_owned_fields'")) {
            statement.setString(1, table.qualified());
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBoolean(1) ? FROM_AUTH : EDITABLE) : Optional.empty();
            }
        }
    }
}
