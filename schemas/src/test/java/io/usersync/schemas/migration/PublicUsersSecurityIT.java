package io.usersync.schemas.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.testing.TestDatabase;

/**
 * Attacks on {@code public.users} as Supabase's roles, on a database with Supabase's default privileges
 * (ALL on every new table in schema public for anon, authenticated and service_role). Each one runs as
 * the role PostgREST would use: {@code anon} with the anon key, {@code authenticated} with a user's JWT
 * claims, {@code service_role} with the service key.
 */
class PublicUsersSecurityIT {

    private static final String ALICE = "00000000-0000-0000-0000-00000000000a";
    private static final String BOB = "00000000-0000-0000-0000-00000000000b";
    private static final String CAROL = "00000000-0000-0000-0000-00000000000c";
    private static final String PERMISSION_DENIED = "permission denied";

    private static EmbeddedPostgresServer postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = EmbeddedPostgresServer.startTemporary();
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    @Test
    void shouldRefuseAnonReadingEmails() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            asAnon(s);
            assertThatThrownBy(() -> s.executeQuery("select email from public.users"))
                    .hasMessageContaining(PERMISSION_DENIED);
        }
    }

    @Test
    void shouldLetAnonReadThePublicProfileColumns() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            asAnon(s);
            assertThat(rows(s, "select id, username, full_name, avatar_url, created_at::date, deleted_at"
                    + " from public.users order by username"))
                    .containsExactly(
                            ALICE + " alice Alice https://example.com/alice.png 2024-01-01 null",
                            BOB + " bob Bob https://example.com/bob.png 2024-01-01 null");
        }
    }

    @Test
    void shouldRefuseAUserReadingAnotherUsersEmail() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAs(s, ALICE);
            assertThatThrownBy(() -> s.executeQuery("select email from public.users where id = '" + BOB + "'"))
                    .hasMessageContaining(PERMISSION_DENIED);
        }
    }

    @Test
    void shouldGiveASignedInUserTheirOwnEmail() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAs(s, ALICE);
            assertThat(rows(s, "select public.current_user_email()")).containsExactly("alice@example.com");
        }
    }

    @Test
    void shouldRefuseAnonAskingForTheCurrentUsersEmail() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            claims(s, "{\"sub\":\"" + ALICE + "\",\"role\":\"anon\"}");
            s.execute("set role anon");
            assertThatThrownBy(() -> s.executeQuery("select public.current_user_email()"))
                    .hasMessageContaining(PERMISSION_DENIED);
        }
    }

    @Test
    void shouldGiveASignedInUserTheirOwnEmailAndNoOtherThroughTheFunctionBehindCurrentUserEmail() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAs(s, ALICE);
            assertThat(rows(s, "select usersync.current_user_email()")).containsExactly("alice@example.com");
        }
    }

    @Test
    void shouldRefuseAnonCallingTheDefinerFunctionBehindCurrentUserEmail() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        assertThat(rows(database, "select to_regprocedure('usersync.current_user_email()') is not null")).containsExactly("true");
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            claims(s, "{\"sub\":\"" + ALICE + "\",\"role\":\"anon\"}");
            s.execute("set role anon");
            assertThatThrownBy(() -> s.executeQuery("select usersync.current_user_email()"))
                    .hasMessageContaining(PERMISSION_DENIED);
        }
    }

    /** Lint 0029's fix: no function in schema public, which PostgREST exposes, runs with its owner's rights. */
    @Test
    void shouldRunCurrentUserEmailInSchemaPublicAsItsCaller() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        assertThat(rows(database, "select p.proname from pg_proc p where p.pronamespace = 'public'::regnamespace and p.prosecdef"))
                .isEmpty();
    }

    /**
     * Signed-in users may look up names in schema usersync, for public.current_user_email(): of what is there, they
     * call current_user_email() and reserved_usernames() (which the check on usernames calls as whoever writes) and
     * nothing else.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"anon", "authenticated"})
    void shouldRefuseReadingOrCallingAnythingElseInSchemaUsersync(String role) throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        List<String> tables = rows(database, "select format('%I.%I', n.nspname, c.relname) from pg_class c"
                + " join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'usersync' and c.relkind in ('r', 'p', 'v', 'm', 'S')"
                + " order by 1");
        List<String> functions = rows(database, "select format('%I.%I(%s)', n.nspname, p.proname,"
                + " (select string_agg('null::' || format_type(t, null), ', ' order by i)"
                + "  from unnest(p.proargtypes::oid[]) with ordinality as a (t, i)))"
                + " from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'usersync'"
                + " and p.proname not in ('current_user_email', 'reserved_usernames') order by 1");
        assertThat(tables).contains("usersync.sink_offsets", "usersync.app_owned_fields", "usersync.flyway_schema_history");
        assertThat(functions).contains("usersync.give_back_to_provider(null::uuid, null::text[])",
                "usersync.profile_fields_policy()", "usersync.apply_profile_fields_policy(null::text)");

        List<String> reached = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAsRole(s, role, ALICE);
            for (String statement : Stream.concat(tables.stream().map(table -> "select from " + table + " limit 1"),
                    functions.stream().map(function -> "select " + function)).toList()) {
                try {
                    s.execute(statement);
                    reached.add(statement);
                } catch (SQLException e) {
                    if (!e.getMessage().contains(PERMISSION_DENIED)) {
                        reached.add(statement + ": " + e.getMessage());
                    }
                }
            }
        }
        assertThat(reached).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"anon", "authenticated"})
    void shouldRefuseCreatingAFunctionInSchemaUsersync(String role) throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAsRole(s, role, ALICE);
            assertThatThrownBy(() -> s.execute("create function usersync.current_user_id() returns uuid language sql"
                    + " as 'select auth.uid()'"))
                    .hasMessageContaining(PERMISSION_DENIED);
        }
    }

    @ParameterizedTest(name = "set {0}")
    @ValueSource(strings = {
            "email = 'mallory@example.com'", "email_verified = true", "deleted_at = now()",
            "source_lsn = 9223372036854775807", "provider = 'google'", "providers = '{google}'",
            "created_at = '2000-01-01'", "updated_at = now()", "last_sign_in_at = now()", "is_anonymous = true",
            "synced_at = now()", "id = '00000000-0000-0000-0000-00000000000c'"})
    void shouldRefuseAUserSettingAPipelineColumnOfTheirOwnRow(String assignment) throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAs(s, ALICE);
            assertThatThrownBy(() -> s.executeUpdate("update public.users set " + assignment + " where id = '" + ALICE + "'"))
                    .hasMessageContaining(PERMISSION_DENIED);
        }
    }

    @ParameterizedTest(name = "set {0}")
    @ValueSource(strings = {"email = 'mallory@example.com'", "source_lsn = 9223372036854775807", "deleted_at = now()"})
    void shouldRefuseTheServiceRoleSettingAPipelineColumn(String assignment) throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            asServiceRole(s);
            assertThatThrownBy(() -> s.executeUpdate("update public.users set " + assignment + " where id = '" + ALICE + "'"))
                    .hasMessageContaining(PERMISSION_DENIED);
        }
    }

    @Test
    void shouldRefuseAnonUpdatingAProfile() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            asAnon(s);
            assertThatThrownBy(() -> s.executeUpdate("update public.users set full_name = 'defaced'"))
                    .hasMessageContaining(PERMISSION_DENIED);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"anon", "authenticated", "service_role"})
    void shouldRefuseInsertingARow(String role) throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAsRole(s, role, CAROL);
            assertThatThrownBy(() -> s.executeUpdate("insert into public.users (id, username, source_lsn)"
                    + " values ('" + CAROL + "', 'carol', 1)"))
                    .hasMessageContaining(PERMISSION_DENIED);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"anon", "authenticated", "service_role"})
    void shouldRefuseDeletingARow(String role) throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAsRole(s, role, ALICE);
            assertThatThrownBy(() -> s.executeUpdate("delete from public.users where id = '" + ALICE + "'"))
                    .hasMessageContaining(PERMISSION_DENIED);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"anon", "authenticated", "service_role"})
    void shouldRefuseTruncatingTheTable(String role) throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAsRole(s, role, ALICE);
            assertThatThrownBy(() -> s.execute("truncate public.users"))
                    .hasMessageContaining(PERMISSION_DENIED);
        }
    }

    @Test
    void shouldRefuseAReservedUsername() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAs(s, ALICE);
            assertThatThrownBy(() -> s.executeUpdate("update public.users set username = 'admin' where id = '" + ALICE + "'"))
                    .hasMessageContaining("users_username_not_reserved");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bob", "BOB", "Bob"})
    void shouldRefuseAnotherUsersUsernameInAnyCase(String username) throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAs(s, ALICE);
            assertThatThrownBy(() -> s.executeUpdate("update public.users set username = '" + username + "' where id = '" + ALICE + "'"))
                    .isInstanceOf(SQLException.class);
        }
        assertThat(rows(database, "select username from public.users where id = '" + ALICE + "'")).containsExactly("alice");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"javascript:alert(1)", "JavaScript:alert(document.cookie)", " javascript:alert(1)",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "//evil.example/a.png", "ftp://example.com/a.png",
            "https://"})
    void shouldRefuseAnAvatarThatIsNotAnHttpUrl(String url) throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAs(s, ALICE);
            assertThatThrownBy(() -> s.executeUpdate("update public.users set avatar_url = '" + url + "' where id = '" + ALICE + "'"))
                    .hasMessageContaining("users_avatar_url_http");
        }
    }

    @Test
    void shouldRefuseAnOverlongAvatarUrl() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAs(s, ALICE);
            assertThatThrownBy(() -> s.executeUpdate("update public.users set avatar_url = 'https://example.com/' || repeat('a', 3000)"
                    + " where id = '" + ALICE + "'"))
                    .hasMessageContaining("users_avatar_url_length");
        }
    }

    @Test
    void shouldRefuseAnOverlongFullName() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAs(s, ALICE);
            assertThatThrownBy(() -> s.executeUpdate("update public.users set full_name = repeat('A', 10000) where id = '" + ALICE + "'"))
                    .hasMessageContaining("users_full_name_length");
        }
    }

    @Test
    void shouldLetAUserEditTheirUsernameFullNameAndAvatar() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAs(s, ALICE);
            int updated = s.executeUpdate("update public.users set username = 'admin_alice', full_name = '" + "É".repeat(256) + "',"
                    + " avatar_url = 'HTTPS://cdn.example.com/a.png?size=2' where id = '" + ALICE + "'");
            assertThat(updated).isEqualTo(1);
        }
        assertThat(rows(database, "select username, avatar_url from public.users where id = '" + ALICE + "'"))
                .containsExactly("admin_alice HTTPS://cdn.example.com/a.png?size=2");
    }

    @Test
    void shouldLetTheServiceRoleReadEveryEmailAndModerateProfiles() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            asServiceRole(s);
            assertThat(rows(s, "select email from public.users order by email")).containsExactly("alice@example.com", "bob@example.com");
            assertThat(s.executeUpdate("update public.users set avatar_url = null where id = '" + BOB + "'")).isEqualTo(1);
        }
    }

    @Test
    void shouldHoldTheRulesForThePipelineToo() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        assertThatThrownBy(() -> database.execute("insert into public.users (id, username, avatar_url, source_lsn)"
                + " values ('" + CAROL + "', 'carol', 'javascript:alert(1)', 3)"))
                .hasMessageContaining("users_avatar_url_http");
    }

    @Test
    void shouldMigrateADatabaseHoldingARowThatBreaksTheRulesAndCheckItsNextWrite() throws SQLException {
        TestDatabase database = TestDatabase.empty(postgres);
        database.migrations().applyDevAuthSchema();
        Flyway.configure().dataSource(database.jdbcUrl(), database.user(), database.password())
                .locations("classpath:db/usersync").schemas("usersync").table("flyway_schema_history")
                .target("4").load().migrate();
        database.execute("insert into public.users (id, username, avatar_url, source_lsn)"
                + " values ('" + ALICE + "', 'alice', 'javascript:alert(1)', 1)");

        database.migrations().applyPipeline();

        assertThatThrownBy(() -> database.execute("update public.users set source_lsn = 2 where id = '" + ALICE + "'"))
                .hasMessageContaining("users_avatar_url_http");
        assertThat(rows(database, "select avatar_url from public.users")).containsExactly("javascript:alert(1)");
    }

    private static TestDatabase databaseWithAliceAndBob() throws SQLException {
        TestDatabase database = TestDatabase.migrated(postgres);
        database.execute(
                "insert into public.users (id, email, username, full_name, avatar_url, provider, email_verified, created_at, source_lsn)"
                        + " values ('" + ALICE + "', 'alice@example.com', 'alice', 'Alice', 'https://example.com/alice.png',"
                        + " 'email', true, '2024-01-01', 1)",
                "insert into public.users (id, email, username, full_name, avatar_url, provider, email_verified, created_at, source_lsn)"
                        + " values ('" + BOB + "', 'bob@example.com', 'bob', 'Bob', 'https://example.com/bob.png',"
                        + " 'email', true, '2024-01-01', 2)");
        return database;
    }

    /** As PostgREST does with the anon key. */
    private static void asAnon(Statement statement) throws SQLException {
        actAsRole(statement, "anon", null);
    }

    /** As PostgREST does for a signed-in user: the authenticated role and the JWT claims setting. */
    private static void actAs(Statement statement, String userId) throws SQLException {
        actAsRole(statement, "authenticated", userId);
    }

    private static void asServiceRole(Statement statement) throws SQLException {
        actAsRole(statement, "service_role", null);
    }

    private static void actAsRole(Statement statement, String role, String userId) throws SQLException {
        claims(statement, userId == null || !role.equals("authenticated")
                ? "{\"role\":\"" + role + "\"}"
                : "{\"sub\":\"" + userId + "\",\"role\":\"" + role + "\"}");
        statement.execute("set role " + role);
    }

    private static void claims(Statement statement, String json) throws SQLException {
        statement.execute("select set_config('request.jwt.claims', '" + json + "', false)");
    }

    /** Each row as its columns joined by spaces. */
    private static List<String> rows(Statement statement, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(String.valueOf(rs.getObject(i)));
                }
                rows.add(String.join(" ", values));
            }
        }
        return rows;
    }

    private static List<String> rows(TestDatabase database, String sql) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            return rows(s, sql);
        }
    }
}
