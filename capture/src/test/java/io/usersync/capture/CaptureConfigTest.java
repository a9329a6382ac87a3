package io.usersync.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.usersync.schemas.kafka.KafkaClientSettings;

class CaptureConfigTest {

    private static final CaptureConfig.DatabaseConnection DATABASE =
            new CaptureConfig.DatabaseConnection("jdbc:postgresql://db:5432/postgres", "postgres", "pw");
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

    @Test
    void shouldRefuseADatabaseWithoutUrl() {
        assertThatThrownBy(() -> new CaptureConfig.DatabaseConnection(null, "postgres", "pw"))
                .isInstanceOf(NullPointerException.class).hasMessage("jdbcUrl");
    }

    @Test
    void shouldMaskThePasswordOfTheDatabaseWhenPrinted() {
        String printed = new CaptureConfig.DatabaseConnection("jdbc:postgresql://db/postgres", "postgres", "s3cret").toString();

        assertThat(printed).doesNotContain("s3cret").contains("password=****").contains("user=postgres");
    }

    @Test
    void shouldMaskAPasswordParameterInTheUrl() {
        CaptureConfig.DatabaseConnection database = new CaptureConfig.DatabaseConnection(
                "jdbc:postgresql://db/postgres?user=u&PASSWORD=s3cret&sslmode=require", "u", null);

        assertThat(database.maskedUrl()).isEqualTo("jdbc:postgresql://db/postgres?user=u&PASSWORD=****&sslmode=require");
        assertThat(database.toString()).doesNotContain("s3cret");
    }
}
