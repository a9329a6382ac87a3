package io.usersync.capture.preflight;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;

import io.usersync.capture.CaptureConfig;
import io.usersync.capture.engine.DebeziumProperties;
import io.usersync.capture.engine.Publication;
import io.usersync.schemas.database.DatabaseSettings;

/**
 * Checks, before Debezium starts, what users most often get wrong, and reports all of it at once with
 * the fix for each: Debezium's own errors come late, one at a time, and rarely name the fix.
 */
public final class Preflight {

    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(15);

    private final CaptureConfig config;
    private final DataSource database;

    /** @param database connections to {@code config.database()}, as its user */
    public Preflight(CaptureConfig config, DataSource database) {
        this.config = config;
        this.database = database;
    }

    /** Throws {@link CaptureStartupException} naming every problem found. */
    public void check() {
        List<String> problems = new ArrayList<>();
        checkDatabase(problems);
        checkKafka(problems);
        if (!problems.isEmpty()) {
            throw new CaptureStartupException(problems);
        }
    }

    private void checkDatabase(List<String> problems) {
        DatabaseSettings db = config.database();
        try (Connection connection = database.getConnection()) {
            String walLevel = queryString(connection, "show wal_level");
            if (!"logical".equals(walLevel)) {
                problems.add("PostgreSQL runs with wal_level=" + walLevel + "; logical replication needs wal_level=logical. "
                        + "Fix: ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL.");
            }
            if (!queryBoolean(connection, "select rolreplication or rolsuper from pg_roles where rolname = current_user")) {
                problems.add("database user '" + db.user() + "' may not use replication. "
                        + "Fix: ALTER ROLE " + db.user() + " WITH REPLICATION; (or connect as a role that has it).");
            }
            boolean usersTable = exists(connection, "select to_regclass('auth.users')");
            if (!usersTable) {
                problems.add("table auth.users does not exist in this database. Fix: point USERSYNC_DB_URL at the "
                        + "database of your Supabase project, or create the dev auth schema with 'usersync migrate --dev-auth-schema'.");
            }
            for (String table : List.of(DebeziumProperties.HEARTBEAT_TABLE, DebeziumProperties.SIGNAL_TABLE)) {
                if (!exists(connection, "select to_regclass('" + table + "')")) {
                    problems.add("table " + table + " does not exist. Fix: run 'usersync migrate' first.");
                }
            }
            if (usersTable) {
                checkPublication(connection, problems);
            }
            checkSlot(connection, problems);
        } catch (SQLException e) {
            problems.add("cannot connect to PostgreSQL at " + db.maskedUrl() + " as '" + db.user() + "': " + driverMessage(e)
                    + ". Fix: check USERSYNC_DB_URL, USERSYNC_DB_USER and USERSYNC_DB_PASSWORD.");
        }
    }

    private void checkPublication(Connection connection, List<String> problems) throws SQLException {
        String publication = config.publicationName();
        Set<String> published = Publication.publishedTables(connection, publication);
        if (Publication.isAsNeeded(published)) {
            return;
        }
        boolean mayCreate = queryBoolean(connection, "select r.rolsuper or (pg_has_role(current_user, c.relowner, 'USAGE')"
                + " and has_database_privilege(current_database(), 'CREATE'))"
                + " from pg_roles r, pg_class c where r.rolname = current_user and c.oid = 'auth.users'::regclass");
        if (published == null) {
            if (!mayCreate) {
                problems.add("publication '" + publication + "' does not exist and user '" + config.database().user()
                        + "' cannot create it. Fix: as the owner of auth.users, run " + Publication.createStatement(publication) + ";");
            }
            return;
        }
        boolean mayAlter = mayCreate && queryBoolean(connection, "select pg_has_role(current_user, pubowner, 'USAGE')"
                + " from pg_publication where pubname = ?", publication);
        if (!mayAlter) {
            problems.add("publication '" + publication + "' publishes " + new TreeSet<>(published) + ", not what capture reads"
                    + " (auth.users, the heartbeat and the signal table; public.users no longer) and user '"
                    + config.database().user() + "' cannot change it. Fix: as the owner of auth.users, run "
                    + Publication.alterStatement(publication) + ";");
        }
    }

    private void checkSlot(Connection connection, List<String> problems) throws SQLException {
        String slot = config.slotName();
        try (PreparedStatement statement = connection.prepareStatement(
                "select plugin from pg_replication_slots where slot_name = ?")) {
            statement.setString(1, slot);
            try (ResultSet rs = statement.executeQuery()) {
                if (rs.next()) {
                    if (!"pgoutput".equals(rs.getString("plugin"))) {
                        problems.add("replication slot '" + slot + "' uses plugin " + rs.getString("plugin")
                                + ", not pgoutput. Fix: choose another slot name, or drop it: SELECT pg_drop_replication_slot('"
                                + slot + "');");
                    }
                    return;
                }
            }
        }
        if (!queryBoolean(connection, "select count(*) < current_setting('max_replication_slots')::int from pg_replication_slots")) {
            problems.add("no free replication slot for '" + slot + "'. Fix: drop an unused slot "
                    + "(SELECT pg_drop_replication_slot('name');) or raise max_replication_slots and restart PostgreSQL.");
        }
    }

    private void checkKafka(List<String> problems) {
        Map<String, Object> adminConfig = config.kafka().clientProperties(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis()));
        try (Admin admin = Admin.create(adminConfig)) {
            admin.describeCluster().nodes().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add("interrupted while reaching Kafka");
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            String servers = config.kafka().bootstrapServers().orElseThrow();
            if (authentication(e)) {
                problems.add("Kafka at " + servers + " refused the credentials: " + config.kafka().mask(rootMessage(e))
                        + ". Fix: check KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM and KAFKA_SASL_JAAS_CONFIG.");
            } else {
                problems.add("Kafka is unreachable at " + servers + " (" + e.getClass().getSimpleName()
                        + "). Fix: check KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL and that the brokers are up.");
            }
        }
    }

    private static boolean authentication(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthenticationException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    private static String queryString(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static boolean exists(Connection connection, String sql) throws SQLException {
        return queryString(connection, sql) != null;
    }

    private static boolean queryBoolean(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** What the driver said: a pool wraps it in its own timeout, whose message names no cause. */
    private static String driverMessage(SQLException e) {
        SQLException cause = e;
        while (cause.getCause() instanceof SQLException next) {
            cause = next;
        }
        return cause.getMessage();
    }
}
