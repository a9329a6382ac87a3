package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.usersync.app.config.ConfigLoader;
import io.usersync.app.run.Application;
import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.testing.AuthUsersTable;
import io.usersync.schemas.testing.SupabaseStarter;
import io.usersync.schemas.testing.TestDatabase;
import picocli.CommandLine;

/**
 * An app moves onto usersync: its public.users exists, filled by Supabase's {@code handle_new_user} trigger, with
 * the app's own column and usernames of its own. {@code usersync migrate}, then {@code usersync run}, then the
 * trigger dropped: old rows, usernames and app columns are kept, the auth-owned fields fill in, a sign-up made
 * while both the trigger and the pipeline run is written once, and later sign-ups come from the pipeline alone.
 */
class AdoptionIT {

    private static final Duration AT_MOST = Duration.ofMinutes(1);

    private static EmbeddedPostgresServer postgres;
    /** A broker per test: each deployment has topics of its own, as it would have in production. */
    private EmbeddedKafkaBroker kafka;
    private Application application;

    @BeforeAll
    static void startPostgres() {
        postgres = EmbeddedPostgresServer.startTemporary();
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    @BeforeEach
    void startKafka() {
        kafka = EmbeddedKafkaBroker.startTemporary();
    }

    @AfterEach
    void stop() {
        if (application != null) {
            application.close();
        }
        kafka.close();
    }

    @Test
    void shouldTakeOverTheStarterTableAndLoseNoSignUpThroughTheCutOver() throws Exception {
        TestDatabase database = starterDatabase();
        UUID ada = signUpWithGoogle(database, "ada@example.com", "Ada Lovelace");
        database.execute("update public.users set username = 'countess', website = 'https://ada.example.org' where id = '" + ada + "'");

        String output = migrate(database);

        assertThat(output).contains("on_auth_user_created");
        application = run(database, "adopt-starter", Map.of());
        await().atMost(AT_MOST).until(() -> "ada@example.com".equals(column(database, ada, "email")));
        assertThat(column(database, ada, "username")).isEqualTo("countess");
        assertThat(column(database, ada, "full_name")).isEqualTo("Ada Lovelace");
        assertThat(column(database, ada, "website")).isEqualTo("https://ada.example.org");

        // During the cut-over: the trigger writes the row, the pipeline its auth-owned fields and a username.
        UUID bea = signUpWithGoogle(database, "bea@example.com", "Bea Arthur");
        await().atMost(AT_MOST).until(() -> "bea@example.com".equals(column(database, bea, "email")));
        assertThat(column(database, bea, "username")).isEqualTo("bea");
        assertThat(column(database, bea, "full_name")).isEqualTo("Bea Arthur");
        assertThat(pipelineWrites(database, bea)).isEqualTo(1);

        database.execute("drop trigger on_auth_user_created on auth.users");
        UUID cat = signUpWithGoogle(database, "cat@example.com", "Cat Stevens");

        await().atMost(AT_MOST).until(() -> "cat".equals(column(database, cat, "username")));
        assertThat(column(database, cat, "full_name")).isEqualTo("Cat Stevens");
        assertThat(rows(database)).isEqualTo(3);
    }

    @Test
    void shouldKeepUsernamesThePipelineWouldNotMakeAndNeverHandThemOutAgain() throws Exception {
        TestDatabase database = starterDatabase();
        database.execute("drop trigger on_auth_user_created on auth.users",
                "alter table public.users drop constraint username_length");
        UUID dotted = signUpWithGoogle(database, "jo.doe@example.com", "Jo Doe");
        UUID shortName = signUpWithGoogle(database, "al@example.com", "Al");
        UUID mixed = signUpWithGoogle(database, "m@example.com", "Max Mixed");
        database.execute("insert into public.users (id, username) values ('" + dotted + "', 'Jo.Doe'), ('" + shortName
                + "', 'ab'), ('" + mixed + "', 'MiXeD')");

        migrate(database);
        // One partition: the snapshot's reservation of MiXeD and the newcomer's claim of mixed meet in one task, in
        // commit order. Across partitions the first to reach the claims store wins (DESIGN), which a test cannot order.
        application = run(database, "adopt-usernames", Map.of("USERSYNC_PARTITIONS", "1"));
        await().atMost(AT_MOST).until(() -> "m@example.com".equals(column(database, mixed, "email")));
        UUID newcomer = signUpWithGoogle(database, "mixed@example.com", "Mixie");

        await().atMost(AT_MOST).until(() -> column(database, newcomer, "username") != null);
        assertThat(column(database, newcomer, "username")).isEqualTo("mixed2");
        assertThat(column(database, dotted, "username")).isEqualTo("Jo.Doe");
        assertThat(column(database, shortName, "username")).isEqualTo("ab");
        assertThat(column(database, mixed, "username")).isEqualTo("MiXeD");
    }

    @Test
    void shouldKeepTheAppsOwnPublicProfilesInStepWhenTheSettingNamesIt() throws Exception {
        TestDatabase database = starterDatabase("public.profiles");
        UUID ada = signUpWithGoogle(database, "ada@example.com", "Ada Lovelace");
        database.execute("update public.profiles set username = 'countess' where id = '" + ada + "'");

        migrate(database, "public.profiles");
        application = run(database, "adopt-profiles", Map.of("USERSYNC_TABLE", "public.profiles"));
        database.execute("drop trigger on_auth_user_created on auth.users");
        UUID bea = signUpWithGoogle(database, "bea@example.com", "Bea Arthur");
        database.executeAsUser(ada, "update public.profiles set full_name = 'Ada L.' where id = '" + ada + "'");
        database.execute("update auth.users set last_sign_in_at = now(), updated_at = now() where id = '" + ada + "'");

        await().atMost(AT_MOST).until(() -> "bea".equals(column(database, "public.profiles", bea, "username"))
                && column(database, "public.profiles", ada, "last_sign_in_at") != null);
        assertThat(column(database, "public.profiles", ada, "email")).isEqualTo("ada@example.com");
        assertThat(column(database, "public.profiles", ada, "username")).isEqualTo("countess");
        assertThat(column(database, "public.profiles", ada, "full_name")).isEqualTo("Ada L.");
        assertThat(count(database, "select count(*) from pg_tables where schemaname = 'public' and tablename = 'users'")).isZero();
    }

    /** Supabase's user management starter, on a database with Supabase's roles and default privileges. */
    private static TestDatabase starterDatabase() throws SQLException {
        return starterDatabase("public.users");
    }

    private static TestDatabase starterDatabase(String table) throws SQLException {
        TestDatabase database = TestDatabase.empty(postgres);
        database.migrations().applyDevAuthSchema();
        database.execute(SupabaseStarter.profilesTable(table));
        database.execute(
                // Counts the pipeline's writes of each user: a sign-up during the cut-over is written once.
                "create table public.pipeline_writes (id uuid, lsn bigint)",
                """
                create function public.count_pipeline_write() returns trigger language plpgsql as $$ begin
                  if current_setting('application_name') = 'usersync-sink' then
                    insert into public.pipeline_writes values (new.id, new.source_lsn);
                  end if;
                  return null;
                end; $$""");
        return database;
    }

    private static String migrate(TestDatabase database) throws SQLException {
        return migrate(database, "public.users");
    }

    private static String migrate(TestDatabase database, String table) throws SQLException {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new UsersyncCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(out))
                .execute("migrate", "--db-url", database.jdbcUrl(), "--set", "USERSYNC_DB_USER=" + database.user(),
                        "--set", "USERSYNC_DB_PASSWORD=" + database.password(), "--set", "USERSYNC_TABLE=" + table);
        assertThat(exit).as(out.toString()).isZero();
        database.execute("create trigger count_pipeline_writes after insert or update on " + table + " for each row"
                + " execute function public.count_pipeline_write()");
        return out.toString();
    }

    private Application run(TestDatabase database, String name, Map<String, String> more) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of(
                "USERSYNC_DB_URL", database.jdbcUrl(),
                "USERSYNC_DB_USER", database.user(),
                "USERSYNC_DB_PASSWORD", database.password(),
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "USERSYNC_DATA_DIR", Files.createTempDirectory("usersync-" + name).toString(),
                "USERSYNC_SLOT_NAME", name.replace('-', '_'),
                "USERSYNC_PROCESSOR_APPLICATION_ID", "usersync-" + name,
                "USERSYNC_SINK_GROUP_ID", "usersync-sink-" + name,
                "USERSYNC_HTTP_PORT", "0",
                "USERSYNC_RECONCILE_INTERVAL_S", "0"));
        environment.putAll(more);
        return Application.start(ConfigLoader.load(environment, Map.of()));
    }

    private static UUID signUpWithGoogle(TestDatabase database, String email, String name) throws SQLException {
        return new AuthUsersTable(database).signUpWithGoogle(email, name, null);
    }

    private static String column(TestDatabase database, UUID id, String column) throws SQLException {
        return column(database, "public.users", id, column);
    }

    private static String column(TestDatabase database, String table, UUID id, String column) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement(
                "select " + column + " from " + table + " where id = ?")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static int pipelineWrites(TestDatabase database, UUID id) throws SQLException {
        return count(database, "select count(*) from public.pipeline_writes where id = '" + id + "'");
    }

    private static int rows(TestDatabase database) throws SQLException {
        return count(database, "select count(*) from public.users");
    }

    private static int count(TestDatabase database, String sql) throws SQLException {
        try (Connection c = database.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
