package io.usersync.schemas.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.testing.TestDatabase;

class MigrationsIT {

    private static final String ALICE = "00000000-0000-0000-0000-00000000000a";
    private static final String BOB = "00000000-0000-0000-0000-00000000000b";

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
    void shouldApplyToAnEmptyDatabaseAndThenDoNothingTheSecondTime() throws SQLException {
        TestDatabase database = TestDatabase.empty(postgres);
        Migrations migrations = database.migrations();

        MigrateResult auth = migrations.applyDevAuthSchema();
        MigrateResult pipeline = migrations.applyPipeline();
        MigrateResult authAgain = migrations.applyDevAuthSchema();
        MigrateResult pipelineAgain = migrations.applyPipeline();

        assertThat(auth.migrationsExecuted).isPositive();
        assertThat(pipeline.migrationsExecuted).isPositive();
        assertThat(authAgain.migrationsExecuted).isZero();
        assertThat(pipelineAgain.migrationsExecuted).isZero();
        assertThat(tableExists(database, "auth.users")).isTrue();
        assertThat(tableExists(database, "public.users")).isTrue();
        assertThat(tableExists(database, "usersync.capture_heartbeat")).isTrue();
    }

    @Test
    void shouldLetAnyoneReadProfiles() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("set role anon");
            assertThat(count(s, "select count(*) from public.users")).isEqualTo(2);
        }
    }

    @Test
    void shouldLetAnAuthenticatedUserUpdateTheirOwnRow() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAs(s, ALICE);
            int updated = s.executeUpdate("update public.users set full_name = 'Alice A.' where id = '" + ALICE + "'");
            assertThat(updated).isEqualTo(1);
        }
    }

    @Test
    void shouldRefuseAnAuthenticatedUserUpdatingAnotherUsersRow() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAs(s, ALICE);
            int updated = s.executeUpdate("update public.users set full_name = 'hijacked' where id = '" + BOB + "'");
            assertThat(updated).isZero();
            s.execute("reset role");
            try (ResultSet rs = s.executeQuery("select full_name from public.users where id = '" + BOB + "'")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("Bob");
            }
        }
    }

    @Test
    void shouldRefuseInsertsAndDeletesByAuthenticatedUsers() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            actAs(s, ALICE);
            assertThatThrownBy(() -> s.execute("insert into public.users(id, username, source_lsn) values ("
                    + "'00000000-0000-0000-0000-00000000000c', 'carol', 1)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("delete from public.users where id = '" + ALICE + "'"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    void shouldRejectASecondRowWithATakenUsername() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        assertThatThrownBy(() -> database.execute("insert into public.users(id, username, source_lsn) values ("
                + "'00000000-0000-0000-0000-00000000000c', 'alice', 1)"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("users_username_lower_key");
    }

    @Test
    void shouldRejectUsernamesOutsideTheAllowedAlphabet() throws SQLException {
        TestDatabase database = databaseWithAliceAndBob();
        assertThatThrownBy(() -> database.execute("insert into public.users(id, username, source_lsn) values ("
                + "'00000000-0000-0000-0000-00000000000c', 'carol-x', 1)"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("users_username_format");
    }

    private static TestDatabase databaseWithAliceAndBob() throws SQLException {
        TestDatabase database = TestDatabase.migrated(postgres);
        database.execute(
                "insert into public.users(id, username, full_name, source_lsn) values ('" + ALICE + "', 'alice', 'Alice', 1)",
                "insert into public.users(id, username, full_name, source_lsn) values ('" + BOB + "', 'bob', 'Bob', 2)");
        return database;
    }

    /** Acts as PostgREST does for a signed-in user: the authenticated role and the JWT claims setting. */
    private static void actAs(Statement statement, String userId) throws SQLException {
        statement.execute("select set_config('request.jwt.claims', '{\"sub\":\"" + userId + "\",\"role\":\"authenticated\"}', false)");
        statement.execute("set role authenticated");
    }

    private static boolean tableExists(TestDatabase database, String table) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select to_regclass('" + table + "') is not null")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
