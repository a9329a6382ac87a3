package io.usersync.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.kafka.KafkaClientSettings;

class CaptureConfigTest {

    private static final DatabaseSettings DATABASE =
            new DatabaseSettings("jdbc:postgresql://db:5432/postgres", "postgres", "pw");
    private static final KafkaClientSettings KAFKA = new KafkaClientSettings(Map.of("bootstrap.servers", "broker:9092"));

    private static CaptureConfig config(String topic, int partitions, int maxBatchSize) {
        return new CaptureConfig(DATABASE, KAFKA, topic, null, partitions, "usersync", "usersync",
                new CaptureConfig.OffsetStore.KafkaTopic("offsets"), CaptureConfig.DEFAULT_POLL_INTERVAL, maxBatchSize,
                CaptureConfig.DEFAULT_HEARTBEAT_INTERVAL, DebeziumSettings.NONE);
    }

    @Test
    void shouldTakeAValidConfiguration() {
        CaptureConfig config = config("cdc", 6, 4096);

        assertThat(config.topicPartitions()).isEqualTo(6);
        assertThat(config.reservationsTopic()).isNull();
    }

    @Test
    void shouldRefuseANonPositivePartitionCount() {
        assertThatThrownBy(() -> config("cdc", 0, 4096)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topicPartitions");
    }

    @Test
    void shouldRefuseANonPositiveBatchSize() {
        assertThatThrownBy(() -> config("cdc", 1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBatchSize");
    }

    @Test
    void shouldNameAMissingTopic() {
        assertThatThrownBy(() -> config(null, 1, 4096)).isInstanceOf(NullPointerException.class).hasMessage("topic");
    }
}
