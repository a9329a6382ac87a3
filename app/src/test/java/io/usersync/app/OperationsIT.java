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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigLoader;
import io.usersync.app.reconcile.DriftRepair;
import io.usersync.app.reconcile.DriftReport;
import io.usersync.app.reconcile.PeriodicReconcile;
import io.usersync.app.reconcile.Reconciler;
import io.usersync.app.run.Application;
import io.usersync.app.run.StageConfigs;
import io.usersync.capture.resync.ResyncSignal;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.database.ProfileTable;
import io.usersync.schemas.testing.TestDatabase;
import io.usersync.sink.replay.ProfilesReplay;

/** The weekly jobs against a running deployment: resync from profiles or source, and reconcile. */
class OperationsIT {

    private static Application application;

    @BeforeAll
    static void start() throws Exception {
        application = Application.start(ConfigLoader.load(Map.of(
                "USERSYNC_DATA_DIR", Files.createTempDirectory("usersync-ops-it").toString(),
                "USERSYNC_HTTP_PORT", "0",
                "USERSYNC_PARTITIONS", "3",
                "USERSYNC_RECONCILE_INTERVAL_S", "0"), Map.of()));
    }

    @AfterAll
    static void stop() {
        application.close();
    }

    @Test
    void shouldRestoreATruncatedTableExactlyFromTheProfilesTopic() throws Exception {
        execute("insert into auth.users (id, aud, role, email, raw_user_meta_data, raw_app_meta_data, created_at, updated_at)"
                + " select gen_random_uuid(), 'authenticated', 'authenticated', 'bulk' || i || '@example.com',"
                + " jsonb_build_object('full_name', 'Bulk ' || i), '{\"provider\":\"email\"}', now(), now()"
                + " from generate_series(1, 5000) i");
        await().atMost(Duration.ofMinutes(2)).until(() -> rows("bulk%").size() == 5000);
        Map<String, String> before = rows("bulk%");

        execute("truncate public.users");
        ProfilesReplay.Result result = new ProfilesReplay(StageConfigs.sink(config())).run(records -> { });

        assertThat(rows("bulk%")).isEqualTo(before);
        assertThat(result.rejected()).isZero();
        assertThat(result.records()).isGreaterThanOrEqualTo(5000);
    }

    @Test
    void shouldRestoreTheAuthOwnedFieldsOfAHandEditedRowFromSourceAndLeaveTheOthersUntouched() throws Exception {
        UUID edited = signUp("edited@example.com", "Edith");
        UUID untouched = signUp("untouched@example.com", "Una");
        await().atMost(Duration.ofMinutes(1)).until(() -> value(edited, "full_name") != null && value(untouched, "full_name") != null);
        String untouchedSyncedAt = value(untouched, "synced_at::text");
        execute("update public.users set email = 'hacked@example.com', provider = 'github', full_name = 'Edie' where id = '"
                + edited + "'");

        new ResyncSignal(application.database()).requestUsers(List.of(edited));

        await().atMost(Duration.ofMinutes(1)).until(() -> "edited@example.com".equals(value(edited, "email")));
        assertThat(value(edited, "provider")).isEqualTo("email");
        // A profile field written by anyone but the pipeline is the app's: a resync leaves it.
        assertThat(value(edited, "full_name")).isEqualTo("Edie");
        assertThat(value(untouched, "synced_at::text")).isEqualTo(untouchedSyncedAt);
    }

    @Test
    void shouldReportEachKindOfDriftWithItsIdsAndRepairIt() throws Exception {
        UUID missing = signUp("missing@example.com", "Miss");
        UUID drifted = signUp("drifted@example.com", "Drift");
        UUID fine = signUp("fine@example.com", "Fine");
        await().atMost(Duration.ofMinutes(1)).until(() -> value(missing, "id::text") != null
                && value(drifted, "id::text") != null && value(fine, "id::text") != null);
        String orphan = UUID.randomUUID().toString();
        execute("delete from public.users where id = '" + missing + "'",
                "update public.users set email = 'someone.else@example.com' where id = '" + drifted + "'",
                "insert into public.users (id, username, source_lsn, synced_at) values ('" + orphan
                        + "', 'orphan_row', 1, now() - interval '1 hour')");
        Reconciler reconciler = new Reconciler(application.database(), ProfileTable.DEFAULT, Duration.ZERO);

        DriftReport report = reconciler.run();

        assertThat(report.missing()).containsExactly(missing.toString());
        assertThat(report.orphaned()).containsExactly(orphan);
        assertThat(report.drifted()).containsExactly(drifted.toString());
        assertThat(report.total()).isEqualTo(3);
        assertThat(report.format(20)).contains("missing in public.users", missing.toString());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (PeriodicReconcile periodic = new PeriodicReconcile(reconciler, Duration.ofHours(1), registry)) {
            periodic.runOnce();
            assertThat(registry.get("usersync.drift.users").gauge().value()).isEqualTo(3);
        }

        new DriftRepair(application.database(), config().kafka(), TopicNames.PROFILES)
                .repair(report);

        await().atMost(Duration.ofMinutes(1)).until(() -> reconciler.run().total() == 0);
        assertThat(value(drifted, "email")).isEqualTo("drifted@example.com");
    }

    private static AppConfig config() {
        return application.config();
    }

    private static Connection connect() throws SQLException {
        return TestDatabase.dataSource(config().database().orElseThrow()).getConnection();
    }

    private static void execute(String... sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    private static UUID signUp(String email, String name) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("insert into auth.users (id, aud, role, email,"
                + " raw_user_meta_data, raw_app_meta_data, created_at, updated_at) values (?, 'authenticated', 'authenticated',"
                + " ?, jsonb_build_object('full_name', ?::text), '{\"provider\":\"email\"}', now() - interval '1 minute',"
                + " now() - interval '1 minute')")) {
            s.setObject(1, id);
            s.setString(2, email);
            s.setString(3, name);
            s.executeUpdate();
        }
        return id;
    }

    private static String value(UUID id, String expression) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
                "select " + expression + " from public.users where id = ?")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Username per id of the rows whose email matches the pattern. */
    private static Map<String, String> rows(String emailPattern) throws SQLException {
        Map<String, String> rows = new HashMap<>();
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
                "select id::text, username || '|' || coalesce(full_name, '') from public.users where email like ?")) {
            s.setString(1, emailPattern);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return rows;
    }
}
