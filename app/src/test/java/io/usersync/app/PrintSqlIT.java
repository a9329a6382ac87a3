package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.usersync.app.ownership.ProfileFieldsPolicy;
import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.database.ProfileTable;
import io.usersync.schemas.testing.SupabaseStarter;
import io.usersync.schemas.testing.TestDatabase;
import picocli.CommandLine;

/**
 * The Supabase CLI's way in: {@code usersync migrate --print-sql} into {@code supabase/migrations}, applied with
 * {@code psql} as the CLI applies a migration file (one transaction) to a database shaped as a Supabase project is.
 * The database then holds what {@code usersync migrate} makes, and migrate and run take it as migrated.
 */
class PrintSqlIT {

    private static EmbeddedPostgresServer postgres;

    @TempDir
    Path directory;

    @BeforeAll
    static void startPostgres() {
        postgres = EmbeddedPostgresServer.startTemporary();
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    @Test
    void shouldLeaveNothingForMigrateToApply() throws Exception {
        TestDatabase printed = supabase();
        assertThat(psql(printed, printSql()).exit()).isZero();

        Result migrate = usersync(printed, "migrate");

        assertThat(migrate.exit()).as(migrate.err()).isZero();
        assertThat(migrate.out()).contains("usersync schema: 0 migrations applied");
        assertThat(printed.migrations().pendingPipeline().isEmpty()).isTrue();
    }

    @Test
    void shouldEndWithTheObjectsGrantsAndHistoryMigrateMakes() throws Exception {
        TestDatabase migrated = supabase();
        assertThat(usersync(migrated, "migrate").exit()).isZero();
        TestDatabase printed = supabase();

        assertThat(psql(printed, printSql()).exit()).isZero();

        assertThat(catalog(printed)).isEqualTo(catalog(migrated));
        assertThat(history(printed)).isEqualTo(history(migrated));
    }

    @Test
    void shouldHoldTheProfileFieldsPolicyRunChecksFor() throws Exception {
        TestDatabase printed = supabase();

        assertThat(psql(printed, printSql("--set", "USERSYNC_PROFILE_FIELDS=from-auth")).exit()).isZero();

        assertThat(ProfileFieldsPolicy.inForce(printed.dataSource(), ProfileTable.DEFAULT)).contains(ProfileFieldsPolicy.FROM_AUTH);
    }

    @Test
    void shouldStopBeforeAnyChangeWhenTheAppHasItsOwnPublicUsers() throws Exception {
        TestDatabase starter = supabase();
        starter.execute(SupabaseStarter.PROFILES_TABLE);
        List<String> before = catalog(starter);

        Result psql = psql(starter, printSql());

        assertThat(psql.exit()).isNotZero();
        assertThat(psql.err()).contains("public.users exists", "usersync migrate --dry-run");
        assertThat(catalog(starter)).isEqualTo(before);
    }

    private record Result(int exit, String out, String err) {
    }

    /** A database as a Supabase project has it before usersync: the auth schema, its roles and default privileges. */
    private static TestDatabase supabase() {
        TestDatabase database = TestDatabase.empty(postgres);
        database.migrations().applyDevAuthSchema();
        return database;
    }

    /** As a user runs it: no database named, only the settings the script depends on. */
    private static String printSql(String... settings) {
        List<String> args = new ArrayList<>(List.of("migrate", "--print-sql"));
        args.addAll(List.of(settings));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new UsersyncCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args.toArray(String[]::new));
        assertThat(exit).as(err.toString()).isZero();
        return out.toString();
    }

    private static Result usersync(TestDatabase database, String command) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new UsersyncCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(command, "--db-url", database.jdbcUrl(), "--set", "USERSYNC_DB_USER=" + database.user(),
                        "--set", "USERSYNC_DB_PASSWORD=" + database.password());
        return new Result(exit, out.toString(), err.toString());
    }

    /** {@code psql -v ON_ERROR_STOP=1 --single-transaction -f}: a migration file, all or nothing. */
    private Result psql(TestDatabase database, String script) throws IOException, InterruptedException {
        Path file = Files.writeString(directory.resolve("usersync.sql"), script);
        Path out = directory.resolve("psql.out");
        Path err = directory.resolve("psql.err");
        ProcessBuilder builder = new ProcessBuilder("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
                "-h", postgres.host(), "-p", String.valueOf(postgres.port()), "-U", database.user(), "-d", database.name(),
                "-f", file.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("PGPASSWORD", database.password());
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("psql finished").isTrue();
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /**
     * What usersync made, as text: relations, columns, constraints, indexes, policies, triggers and functions with their
     * definitions and grants, and schemas with theirs.
     */
    private static List<String> catalog(TestDatabase database) throws SQLException {
        return query(database, """
                select x from (
                  select 'rel ' || c.oid::regclass || ' ' || c.relkind::text || ' ' || c.relrowsecurity || ' '
                         || coalesce(c.relacl::text, '') || ' ' || pg_get_userbyid(c.relowner) as x
                  from pg_class c join pg_namespace n on n.oid = c.relnamespace
                  where n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'
                  union all
                  select 'col ' || a.attrelid::regclass || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                         || ' ' || a.attnotnull || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') || ' '
                         || coalesce(a.attacl::text, '')
                  from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
                  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                  where n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema' and a.attnum > 0 and not a.attisdropped
                  union all
                  select 'con ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated
                  from pg_constraint where connamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
                  union all
                  select 'idx ' || indexdef from pg_indexes where schemaname not in ('pg_catalog', 'information_schema')
                  union all
                  select 'pol ' || schemaname || '.' || tablename || ' ' || policyname || ' ' || permissive || ' ' || roles::text
                         || ' ' || cmd || ' ' || coalesce(qual, '') || ' ' || coalesce(with_check, '') from pg_policies
                  union all
                  select 'trg ' || tgrelid::regclass || ' ' || tgname || ' ' || tgenabled::text || ' ' || pg_get_triggerdef(oid)
                  from pg_trigger where not tgisinternal
                  union all
                  select 'fn ' || p.oid::regprocedure || ' ' || p.prosecdef || ' ' || coalesce(p.proconfig::text, '') || ' '
                         || coalesce(p.proacl::text, '') || ' ' || md5(p.prosrc)
                  from pg_proc p where p.pronamespace not in ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
                  union all
                  select 'nsp ' || nspname || ' ' || coalesce(nspacl::text, '') || ' ' || coalesce(obj_description(oid, 'pg_namespace'), '')
                  from pg_namespace
                ) d order by x""");
    }

    /** Flyway's history but for who, when and how long. */
    private static List<String> history(TestDatabase database) throws SQLException {
        return query(database, "select installed_rank || ' ' || coalesce(version, '') || ' ' || description || ' ' || type"
                + " || ' ' || script || ' ' || coalesce(checksum::text, '') || ' ' || success"
                + " from usersync.flyway_schema_history order by installed_rank");
    }

    private static List<String> query(TestDatabase database, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
