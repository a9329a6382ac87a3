package io.usersync.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.kafka.KafkaClientSettings;

class SinkConnectionPoolTest {

    private static final String ANNOUNCE_MIGRATION = "/db/usersync/V6__announce_usernames_set_outside_the_pipeline.sql";

    @Test
    void shouldConnectUnderTheNameWhoseWritesTheUsernameTriggersLeaveUnannounced() throws IOException {
        String migration;
        try (InputStream in = SinkConnectionPoolTest.class.getResourceAsStream(ANNOUNCE_MIGRATION)) {
            assertThat(in).as(ANNOUNCE_MIGRATION).isNotNull();
            migration = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(migration.split("current_setting\\('application_name'\\) is distinct from '"
                + SinkConnectionPool.APPLICATION_NAME + "'", -1)).hasSize(3);
    }

    @Test
    void shouldConnectUnderTheSinksApplicationName() {
        Properties properties = SinkConnectionPool.config(config()).getDataSourceProperties();

        assertThat(properties).containsEntry("ApplicationName", SinkConnectionPool.APPLICATION_NAME);
    }

    @Test
    void shouldKeepTheServersErrorDetailOutOfExceptionMessages() {
        Properties properties = SinkConnectionPool.config(config()).getDataSourceProperties();

        assertThat(properties).containsEntry("logServerErrorDetail", "false");
    }

    private static SinkConfig config() {
        return new SinkConfig(new DatabaseSettings("jdbc:postgresql://db/postgres", "u", "p"),
                new KafkaClientSettings(Map.of("bootstrap.servers", "broker:9092")), "profiles", "dlt", "group", 500,
                Duration.ZERO, SinkConfig.DeleteMode.HARD, 1, Duration.ofMillis(100), Duration.ofSeconds(5));
    }
}
