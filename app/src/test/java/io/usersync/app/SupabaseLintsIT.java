package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.testing.SupabaseStarter;
import io.usersync.schemas.testing.TestDatabase;
import picocli.CommandLine;

/**
 * Supabase's database linter finds nothing in what {@code usersync migrate} makes, on a database shaped as a Supabase
 * project is (the dev auth schema, roles anon, authenticated and service_role, Supabase's default privileges in schema
 * public): on a fresh one, and on one whose profile table the app made and migrate adopted, where it adds nothing to
 * what the app's own objects get.
 */
class SupabaseLintsIT {

    private static EmbeddedPostgresServer postgres;
    private static TestDatabase migrated;
    private static TestDatabase starter;
    private static TestDatabase adopted;

    @BeforeAll
    static void migrate() throws SQLException {
        postgres = EmbeddedPostgresServer.startTemporary();
        migrated = TestDatabase.empty(postgres);
        migrated.migrations().applyDevAuthSchema();
        migrate(migrated);
        starter = starter();
        adopted = starter();
        migrate(adopted, "--set", "USERSYNC_TABLE=public.profiles");
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SupabaseLint.class)
    void shouldLeaveNothingForTheLintToFindOnAFreshDatabase(SupabaseLint lint) throws SQLException {
        assertThat(lint.findings(migrated.dataSource())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SupabaseLint.class)
    void shouldAddNothingForTheLintToFindWhenAdoptingTheAppsTable(SupabaseLint lint) throws SQLException {
        List<String> added = new ArrayList<>(lint.findings(adopted.dataSource()));
        lint.findings(starter.dataSource()).forEach(added::remove);

        assertThat(added).isEmpty();
    }

    private static TestDatabase starter() throws SQLException {
        TestDatabase database = TestDatabase.empty(postgres);
        database.migrations().applyDevAuthSchema();
        database.execute(SupabaseStarter.profilesTable("public.profiles"));
        return database;
    }

    private static void migrate(TestDatabase database, String... options) {
        List<String> args = new ArrayList<>(List.of("migrate", "--db-url", database.jdbcUrl(),
                "--set", "USERSYNC_DB_USER=" + database.user(), "--set", "USERSYNC_DB_PASSWORD=" + database.password()));
        args.addAll(List.of(options));
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new UsersyncCommand()).setOut(new PrintWriter(new StringWriter()))
                .setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
        assertThat(exit).as(err.toString()).isZero();
    }
}
