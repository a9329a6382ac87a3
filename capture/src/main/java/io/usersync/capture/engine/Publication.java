package io.usersync.capture.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The publication capture streams: {@code auth.users}, the heartbeat and the signal table. Never {@code public.users}: the sink's own writes would come back as changes to
 * decode and drop; usernames set by others arrive as logical decoding messages instead (migration V6).
 * Capture keeps it so itself: Debezium would add every captured table to it, and public.users is captured,
 * but only by the initial snapshot.
 */
public final class Publication {

    static final List<String> TABLES = List.of(DebeziumProperties.CAPTURED_TABLE, DebeziumProperties.HEARTBEAT_TABLE,
            DebeziumProperties.SIGNAL_TABLE);

    private Publication() {
    }

    /**
     * The table list of {@code CREATE} / {@code ALTER PUBLICATION ... SET TABLE}. Without a column list:
     * Debezium 3.6 maps the columns of a change wrongly once an incremental snapshot (a resync) has re-read
     * the table of a publication that has one; its {@code column.include.list} keeps secrets out of Kafka.
     */
    public static String tableList() {
        return String.join(", ", TABLES);
    }

    public static String createStatement(String name) {
        return "CREATE PUBLICATION " + name + " FOR TABLE " + tableList();
    }

    public static String alterStatement(String name) {
        return "ALTER PUBLICATION " + name + " SET TABLE " + tableList();
    }

    /** The tables the publication publishes now, as {@code schema.table}; null when it does not exist. */
    public static Set<String> publishedTables(Connection connection, String name) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("select 1 from pg_publication where pubname = ?")) {
            exists.setString(1, name);
            try (ResultSet rs = exists.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
            }
        }
        Set<String> tables = new HashSet<>();
        try (PreparedStatement published = connection.prepareStatement(
                "select schemaname || '.' || tablename from pg_publication_tables where pubname = ?")) {
            published.setString(1, name);
            try (ResultSet rs = published.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }

    /** Whether the publication publishes exactly capture's tables (whatever their column lists). */
    public static boolean isAsNeeded(Set<String> published) {
        return published != null && published.equals(Set.copyOf(TABLES));
    }

    /** Creates the publication, or sets its tables when they are not capture's (an older version published public.users). */
    public static void ensure(Connection connection, String name) throws SQLException {
        Set<String> published = publishedTables(connection, name);
        if (isAsNeeded(published)) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(published == null ? createStatement(name) : alterStatement(name));
        }
    }
}
