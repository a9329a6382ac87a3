package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigLoader;
import io.usersync.app.run.Application;
import io.usersync.capture.preflight.CaptureStartupException;
import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.testing.TestDatabase;
import picocli.CommandLine;

/**
 * The pipeline and the operations commands against a broker that takes only SASL/PLAIN-authenticated
 * clients, configured through KAFKA_* variables alone.
 */
class KafkaSecurityIT {

    private static final String USER = "usersync";
    private static final String PASSWORD = "right-password-7f3a";

    private EmbeddedKafkaBroker kafka;
    private Application application;

    /** A broker of its own per test, so what one test created never counts for another. */
    @BeforeEach
    void startBroker() {
        kafka = EmbeddedKafkaBroker.startTemporaryWithSaslPlain(USER, PASSWORD);
    }

    @AfterEach
    void stop() {
        if (application != null) {
            application.close();
        }
        kafka.close();
    }

    private static String jaas(String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + USER + "\" password=\""
                + password + "\";";
    }

    private Map<String, String> kafkaVariables(String password) {
        return Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SASL_JAAS_CONFIG", jaas(password));
    }

    private AppConfig config(String password) throws Exception {
        return config(password, "capture,process,sink");
    }

    private AppConfig config(String password, String stages) throws Exception {
        Map<String, String> environment = new HashMap<>(kafkaVariables(password));
        environment.put("USERSYNC_STAGES", stages);
        environment.put("USERSYNC_DATA_DIR", Files.createTempDirectory("usersync-sasl-it").toString());
        environment.put("USERSYNC_HTTP_PORT", "0");
        environment.put("USERSYNC_RECONCILE_INTERVAL_S", "0");
        return ConfigLoader.load(environment, Map.of());
    }

    @Test
    void shouldSyncASignUpAndRunTheOperationsCommandsThroughSasl() throws Exception {
        application = Application.start(config(PASSWORD));
        UUID ada = signUp("ada@example.com");

        await().atMost(Duration.ofMinutes(1)).until(() -> username(ada) != null);
        assertThat(username(ada)).isEqualTo("ada");

        assertThat(command("dlt", "list")).isZero();
        execute("truncate public.users");
        assertThat(command("resync", "--from", "profiles")).isZero();
        assertThat(username(ada)).isEqualTo("ada");
    }

    @Test
    void shouldRefuseToStartWithAWrongPasswordAndCreateNothing() throws Exception {
        assertThatThrownBy(() -> application = Application.start(config("wrong-password")))
                .hasMessageContaining("Authentication failed")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("wrong-password"));

        try (Admin client = Admin.create(ConfigLoader.load(kafkaVariables(PASSWORD), Map.of()).kafka()
                .clientProperties(Map.of()))) {
            assertThat(client.listTopics().names().get()).doesNotContain(TopicNames.CDC, TopicNames.PROFILES,
                    TopicNames.DEAD_LETTERS);
        }
    }

    @Test
    void shouldTellWhichVariablesToCheckWhenCaptureIsRefused() throws Exception {
        assertThatThrownBy(() -> application = Application.start(config("wrong-password", "capture")))
                .isInstanceOf(CaptureStartupException.class)
                .hasMessageContaining("refused the credentials")
                .hasMessageContaining("KAFKA_SASL_JAAS_CONFIG")
                .hasMessageNotContaining("wrong-password");
    }

    /** Runs a command as {@code usersync <args>} would, against the running application's database and broker. */
    private int command(String... args) {
        AppConfig config = application.config();
        List<String> line = new ArrayList<>(List.of(args));
        line.addAll(List.of("--db-url", config.database().orElseThrow().jdbcUrl(),
                "--set", "USERSYNC_DB_USER=" + config.database().orElseThrow().user(), "--set", "USERSYNC_DB_PASSWORD=" + config.database().orElseThrow().password(),
                "--kafka", kafka.bootstrapServers()));
        kafkaVariables(PASSWORD).forEach((variable, value) -> line.addAll(List.of("--set", variable + "=" + value)));
        return new CommandLine(new UsersyncCommand()).setExecutionExceptionHandler(UsersyncCommand::reportFailure)
                .execute(line.toArray(String[]::new));
    }

    private static String stackTrace(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private Connection connect() throws SQLException {
        AppConfig config = application.config();
        return TestDatabase.dataSource(config.database().orElseThrow()).getConnection();
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private UUID signUp(String email) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("insert into auth.users (id, aud, role, email,"
                + " raw_user_meta_data, raw_app_meta_data, created_at, updated_at) values (?, 'authenticated', 'authenticated',"
                + " ?, '{}', '{\"provider\":\"email\"}', now(), now())")) {
            s.setObject(1, id);
            s.setString(2, email);
            s.executeUpdate();
        }
        return id;
    }

    private String username(UUID id) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("select username from public.users where id = ?")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
