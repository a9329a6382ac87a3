package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.usersync.app.config.ConfigLoader;
import io.usersync.app.run.Application;
import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.testing.AuthUsersTable;
import io.usersync.schemas.testing.TestDatabase;

/**
 * A write in flight when usersync first starts on a live database: a transaction begun before the replication slot's
 * consistent point and committed after it. Debezium's snapshot, read at that point, does not hold it; the slot streams
 * it, at the LSN of its change, below the snapshot's. PostgreSQL is walked through the slot's making: a transaction
 * open when capture asks for the slot keeps it building, one begun meanwhile keeps it from being consistent, and the
 * change is made between the two (a CHECKPOINT logs the running transactions the slot waits to see).
 */
class ChangeAcrossTheSlotSnapshotIT {

    private static final Duration AT_MOST = Duration.ofMinutes(1);
    private static final String SLOT = "usersync";

    private EmbeddedPostgresServer postgres;
    private EmbeddedKafkaBroker kafka;
    private TestDatabase database;
    private CompletableFuture<Application> application;

    @AfterEach
    void stop() throws Exception {
        if (application != null) {
            application.get(1, TimeUnit.MINUTES).close();
        }
        kafka.close();
        postgres.close();
    }

    @Test
    void shouldSyncAChangeCommittedAfterTheSlotsConsistentPointThoughItsLsnIsBelowTheSnapshots() throws Exception {
        postgres = EmbeddedPostgresServer.startTemporary();
        kafka = EmbeddedKafkaBroker.startTemporary();
        database = TestDatabase.migrated(postgres);
        AuthUsersTable users = new AuthUsersTable(database);
        UUID ada = users.signUpWithGoogle("ada@example.com", "Ada Before", null);
        UUID bo = users.signUpWithGoogle("bo@example.com", "Bo Before", null);

        try (Connection building = open(); Connection notYetConsistent = open(); Connection straddling = open();
                Connection admin = database.connect()) {
            building.createStatement().execute("select txid_current()");
            application = CompletableFuture.supplyAsync(this::startUsersync);
            await().atMost(AT_MOST).until(() -> slotCreationWaitsForATransaction(admin));
            rename(notYetConsistent, bo, "Bo After");
            building.commit();
            checkpoint(admin);
            rename(straddling, ada, "Ada After");
            notYetConsistent.commit();
            checkpoint(admin);
            await().atMost(AT_MOST).until(() -> slotMade(admin));
            straddling.commit();
        }

        await().atMost(AT_MOST).untilAsserted(() -> {
            assertThat(fullName(bo)).isEqualTo("Bo After");
            assertThat(fullName(ada)).isEqualTo("Ada After");
        });
    }

    private Application startUsersync() {
        try {
            return Application.start(ConfigLoader.load(Map.of(
                    "USERSYNC_DB_URL", database.jdbcUrl(),
                    "USERSYNC_DB_USER", database.user(),
                    "USERSYNC_DB_PASSWORD", database.password(),
                    "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "USERSYNC_DATA_DIR", Files.createTempDirectory("usersync-slot-snapshot-it").toString(),
                    "USERSYNC_SLOT_NAME", SLOT,
                    "USERSYNC_HTTP_PORT", "0",
                    "USERSYNC_RECONCILE_INTERVAL_S", "0"), Map.of()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Connection open() throws SQLException {
        Connection connection = database.connect();
        connection.setAutoCommit(false);
        return connection;
    }

    private static void rename(Connection transaction, UUID id, String fullName) throws SQLException {
        try (PreparedStatement update = transaction.prepareStatement("update auth.users set raw_user_meta_data ="
                + " jsonb_set(raw_user_meta_data, '{full_name}', to_jsonb(?::text)), updated_at = now() where id = ?")) {
            update.setString(1, fullName);
            update.setObject(2, id);
            assertThat(update.executeUpdate()).isOne();
        }
    }

    private static void checkpoint(Connection admin) throws SQLException {
        try (Statement statement = admin.createStatement()) {
            statement.execute("checkpoint");
        }
    }

    /** The walsender making the slot waits for a transaction that was running when it began. */
    private static boolean slotCreationWaitsForATransaction(Connection admin) throws SQLException {
        return count(admin, "select count(*) from pg_stat_activity where query like 'CREATE_REPLICATION_SLOT%'"
                + " and wait_event_type = 'Lock'") > 0;
    }

    private static boolean slotMade(Connection admin) throws SQLException {
        return count(admin, "select count(*) from pg_replication_slots where slot_name = '" + SLOT + "'"
                + " and confirmed_flush_lsn is not null") > 0;
    }

    private static int count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private String fullName(UUID id) throws SQLException {
        try (Connection connection = database.connect();
                PreparedStatement select = connection.prepareStatement("select full_name from public.users where id = ?")) {
            select.setObject(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
