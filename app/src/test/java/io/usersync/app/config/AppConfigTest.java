package io.usersync.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.usersync.schemas.database.DatabaseSettings;

class AppConfigTest {

    private static final AppConfig LOADED = ConfigLoader.load(Map.of(
            "USERSYNC_DB_URL", "jdbc:postgresql://db:5432/postgres", "USERSYNC_DB_PASSWORD", "db-s3cret",
            "USERSYNC_JWT_SECRET", "jwt-s3cret-jwt-s3cret-jwt-s3cret-jwt",
            "USERSYNC_ALERT_WEBHOOK_URL", "https://hooks.example.com/hook-s3cret",
            "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092", "KAFKA_CLIENT_RACK", "b", "USERSYNC_SINK_BATCH_SIZE", "42"), Map.of());

    @Test
    void shouldKeepEverySecretOutOfItsPrintedForm() {
        assertThat(LOADED.toString()).doesNotContain("s3cret").contains("password=****");
    }

    @Test
    void shouldPointAtTheEmbeddedDatabaseAndKeepEveryOtherSetting() {
        DatabaseSettings embedded = new DatabaseSettings("jdbc:postgresql://127.0.0.1:5433/postgres", "postgres", "postgres");

        AppConfig resolved = LOADED.withDatabase(embedded);

        assertThat(resolved.database()).contains(embedded);
        assertThat(resolved).usingRecursiveComparison().ignoringFields("database").isEqualTo(LOADED);
    }

    @Test
    void shouldPointAtTheInProcessBrokerAndKeepEveryOtherClientSetting() {
        AppConfig resolved = LOADED.withKafka("127.0.0.1:9092");

        assertThat(resolved.kafkaBootstrapServers()).contains("127.0.0.1:9092");
        assertThat(resolved.kafka().properties()).containsEntry("client.rack", "b");
        assertThat(resolved).usingRecursiveComparison().ignoringFields("kafka").isEqualTo(LOADED);
    }
}
