package io.usersync.schemas.database;

import java.util.Objects;

/**
 * How every stage and command reaches PostgreSQL, and where the profiles are there: a JDBC URL, credentials and the
 * profile table. Plain strings, so capture, the sink and the app share one value without this module depending on JDBC.
 *
 * @param jdbcUrl      {@code jdbc:postgresql://host:5432/database}
 * @param user         database user
 * @param password     its password; may be null or empty (trust or peer authentication)
 * @param profileTable the table the pipeline keeps in step with auth.users
 */
public record DatabaseSettings(String jdbcUrl, String user, String password, ProfileTable profileTable) {

    public DatabaseSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(profileTable, "profileTable");
    }

    /** A database whose profile table is {@code public.users}. */
    public DatabaseSettings(String jdbcUrl, String user, String password) {
        this(jdbcUrl, user, password, ProfileTable.DEFAULT);
    }

    /** The URL with any password parameter masked, safe for logs and error messages. */
    public String maskedUrl() {
        return masked(jdbcUrl);
    }

    /** A JDBC URL with any {@code password=} parameter masked. */
    public static String masked(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[jdbcUrl=" + maskedUrl() + ", user=" + user + ", password=****, profileTable=" + profileTable + "]";
    }
}
