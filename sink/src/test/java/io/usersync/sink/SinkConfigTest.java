package io.usersync.sink;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.kafka.KafkaClientSettings;

class SinkConfigTest {

    private static SinkConfig withRetry(Duration first, Duration max, double jitter) {
        return new SinkConfig(new DatabaseSettings("jdbc:postgresql://db/postgres", "u", "p"),
                new KafkaClientSettings(Map.of("bootstrap.servers", "broker:9092")), "profiles", "dlt", "group", 500,
                Duration.ZERO, SinkConfig.DeleteMode.HARD, 1, first, max, jitter, SinkConfig.DEFAULT_USERNAME_WAIT, null);
    }

    @Test
    void shouldRefuseAJitterAboveOne() {
        assertThatThrownBy(() -> withRetry(Duration.ofMillis(100), Duration.ofSeconds(5), 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryJitter");
    }

    @Test
    void shouldRefuseAMaximumBackoffBelowTheFirst() {
        assertThatThrownBy(() -> withRetry(Duration.ofSeconds(2), Duration.ofSeconds(1), 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRetryBackoff");
    }
}
