package io.usersync.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.usersync.app.config.AppConfig.Stage;
import io.usersync.sink.SinkConfig.DeleteMode;

class ConfigLoaderTest {

    @Test
    void shouldRunEverythingEmbeddedWithDefaultsWhenNothingIsSet() {
        AppConfig config = ConfigLoader.load(Map.of(), Map.of());

        assertThat(config.dbUrl()).isEmpty();
        assertThat(config.kafkaBootstrapServers()).isEmpty();
        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.stages()).containsExactlyInAnyOrder(Stage.CAPTURE, Stage.PROCESS, Stage.SINK);
        assertThat(config.sinkBatchSize()).isEqualTo(500);
        assertThat(config.sinkBatchAge()).isEqualTo(Duration.ofMillis(20));
        assertThat(config.sinkDeleteMode()).isEqualTo(DeleteMode.HARD);
        assertThat(config.jwtRole()).isEqualTo("service_role");
    }

    @Test
    void shouldLetAFlagWinOverTheEnvironment() {
        AppConfig config = ConfigLoader.load(Map.of("USERSYNC_HTTP_PORT", "9000", "USERSYNC_STAGES", "sink"),
                Map.of("USERSYNC_HTTP_PORT", "9100"));

        assertThat(config.httpPort()).isEqualTo(9100);
        assertThat(config.stages()).containsExactly(Stage.SINK);
    }

    @Test
    void shouldReportEveryInvalidVariableInOneErrorNamingEach() {
        Map<String, String> environment = Map.of(
                "USERSYNC_DB_URL", "postgres://localhost/db",
                "USERSYNC_HTTP_PORT", "eighty",
                "USERSYNC_STAGES", "capture,transform",
                "USERSYNC_JWT_SECRET", "short",
                "USERSYNC_JWKS_URL", "ftp://keys",
                "USERSYNC_SINK_BATCH_SIZE", "0",
                "USERSYNC_SINK_BATCH_AGE_MS", "-5",
                "USERSYNC_SINK_DELETE_MODE", "shred",
                "USERSYNC_SLOT_NAME", "Bad-Slot",
                "USERSYNC_KEEP_RELEASED_USERNAMES", "maybe");

        assertThatThrownBy(() -> ConfigLoader.load(environment, Map.of("USERSYNC_NO_SUCH_THING", "1")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(11))
                .hasMessageContaining("USERSYNC_DB_URL must be a PostgreSQL JDBC URL")
                .hasMessageContaining("USERSYNC_HTTP_PORT must be a port")
                .hasMessageContaining("USERSYNC_STAGES takes capture, process and sink")
                .hasMessageContaining("USERSYNC_JWT_SECRET must be at least 32 characters")
                .hasMessageContaining("USERSYNC_JWKS_URL must be an http(s) URL")
                .hasMessageContaining("USERSYNC_SINK_BATCH_SIZE must be a whole number from 1")
                .hasMessageContaining("USERSYNC_SINK_BATCH_AGE_MS must be a number of milliseconds")
                .hasMessageContaining("USERSYNC_SINK_DELETE_MODE must be hard or soft")
                .hasMessageContaining("USERSYNC_SLOT_NAME must be a lower-case PostgreSQL identifier")
                .hasMessageContaining("USERSYNC_KEEP_RELEASED_USERNAMES must be true or false")
                .hasMessageContaining("USERSYNC_NO_SUCH_THING is not a usersync setting");
    }

    @Test
    void shouldNotRepeatTheSecretValueInAnError() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("USERSYNC_JWT_SECRET", "tooshortsecret"), Map.of()))
                .hasMessageNotContaining("tooshortsecret");
    }

    @Test
    void shouldMaskAPasswordInAWrongDatabaseUrl() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("USERSYNC_DB_URL", "postgres://db/postgres?password=pw-in-url"),
                Map.of()))
                .hasMessageContaining("USERSYNC_DB_URL")
                .hasMessageNotContaining("pw-in-url");
    }

    @Test
    void shouldMaskSecretsInTheEffectiveConfiguration() {
        AppConfig config = ConfigLoader.load(Map.of(
                "USERSYNC_DB_URL", "jdbc:postgresql://db:5432/postgres?sslmode=require&password=url-password-7",
                "USERSYNC_DB_PASSWORD", "hunter2-db-password",
                "USERSYNC_JWT_SECRET", "super-secret-jwt-token-with-at-least-32-characters"), Map.of());

        assertThat(config.describe())
                .contains("USERSYNC_DB_PASSWORD=****")
                .contains("USERSYNC_JWT_SECRET=****")
                .doesNotContain("hunter2-db-password")
                .doesNotContain("url-password-7")
                .contains("sslmode=require&password=****")
                .doesNotContain("super-secret-jwt-token")
                .contains("USERSYNC_HTTP_PORT=8080");
    }
}
