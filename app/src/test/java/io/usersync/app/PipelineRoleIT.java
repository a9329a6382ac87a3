package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigLoader;
import io.usersync.app.run.Application;
import io.usersync.app.run.EmbeddedServers;
import io.usersync.capture.resync.ResyncSignal;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.testing.AuthUsersTable;
import io.usersync.schemas.testing.TestDatabase;

/**
 * deploy/sql/usersync-role.sql grants enough: the whole pipeline, connected as usersync_pipeline instead of
 * the owner, syncs a sign-up, an update and a delete. And no more: the role cannot read password hashes.
 */
class PipelineRoleIT {

    private static final Path SCRIPT = Path.of(System.getProperty("user.dir")).getParent().resolve("deploy/sql/usersync-role.sql");
    private static final String ROLE = "usersync_pipeline";
    private static final String PASSWORD = "pipeline-role-it";

    private EmbeddedServers servers;
    private Application application;

    @AfterEach
    void stop() {
        if (application != null) {
            application.close();
        }
        if (servers != null) {
            servers.close();
        }
    }

    @Test
    void shouldSyncSignUpsUpdatesAndDeletesAsTheDedicatedRoleThatCannotReadPasswordHashes() throws Exception {
        Path dataDir = Files.createTempDirectory("usersync-role-it");
        servers = EmbeddedServers.startMissing(ConfigLoader.load(Map.of("USERSYNC_DATA_DIR", dataDir.toString()), Map.of()));
        AppConfig owner = servers.config();
        try (Connection c = ownerConnection(); Statement s = c.createStatement()) {
            s.execute(Files.readString(SCRIPT));
            s.execute(Files.readString(SCRIPT)); // compose runs it on every start
            s.execute("alter role " + ROLE + " password '" + PASSWORD + "'");
        }
        application = Application.start(ConfigLoader.load(Map.of(
                "USERSYNC_DATA_DIR", dataDir.resolve("app").toString(),
                "USERSYNC_DB_URL", owner.database().orElseThrow().jdbcUrl(), "USERSYNC_DB_USER", ROLE, "USERSYNC_DB_PASSWORD", PASSWORD,
                "KAFKA_BOOTSTRAP_SERVERS", owner.kafkaBootstrapServers().orElseThrow(),
                "USERSYNC_HTTP_PORT", "0", "USERSYNC_PARTITIONS", "3"), Map.of()));
        AuthUsersTable auth = new AuthUsersTable(this::ownerConnection);

        UUID ada = auth.signUp("ada@example.com", "{\"full_name\":\"Ada Lovelace\"}", "{\"provider\":\"email\",\"providers\":[\"email\"]}");
        await().atMost(Duration.ofMinutes(1)).until(() -> "ada".equals(column(ada, "username")));
        auth.setUserMetadata(ada, "{\"full_name\":\"Ada King\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> "Ada King".equals(column(ada, "full_name")));
        // A resync re-reads the table through the column-listed publication; changes after it still map right.
        new ResyncSignal(TestDatabase.dataSource(new DatabaseSettings(owner.database().orElseThrow().jdbcUrl(), ROLE, PASSWORD)))
                .requestUsers(List.of(ada));
        UUID bob = auth.signUp("bob@example.com", "{\"full_name\":\"Bob Stone\"}", "{\"provider\":\"email\",\"providers\":[\"email\"]}");
        await().atMost(Duration.ofMinutes(1)).until(() -> "bob".equals(column(bob, "username")));
        assertThat(column(bob, "email")).isEqualTo("bob@example.com");
        assertThat(column(bob, "full_name")).isEqualTo("Bob Stone");
        auth.delete(ada);
        await().atMost(Duration.ofSeconds(30)).until(() -> column(ada, "id") == null);

        assertThat(application.pipeline().health()).allSatisfy(stage -> assertThat(stage.up()).as(stage.stage()).isTrue());
        try (Connection c = DriverManager.getConnection(owner.database().orElseThrow().jdbcUrl(), ROLE, PASSWORD); Statement s = c.createStatement()) {
            SQLException denied = catchThrowableOfType(SQLException.class, () -> s.executeQuery("select encrypted_password from auth.users"));
            assertThat(denied.getSQLState()).isEqualTo("42501");
        }
    }

    private Connection ownerConnection() throws SQLException {
        AppConfig owner = servers.config();
        return TestDatabase.dataSource(owner.database().orElseThrow()).getConnection();
    }

    private String column(UUID id, String column) throws SQLException {
        try (Connection c = ownerConnection();
                PreparedStatement s = c.prepareStatement("select " + column + "::text from public.users where id = ?")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
