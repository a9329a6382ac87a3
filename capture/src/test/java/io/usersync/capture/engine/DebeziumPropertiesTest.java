package io.usersync.capture.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.usersync.capture.CaptureConfig;
import io.usersync.capture.DebeziumSettings;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.kafka.KafkaClientSettings;

class DebeziumPropertiesTest {

    private static CaptureConfig config(CaptureConfig.OffsetStore offsets, KafkaClientSettings kafka) {
        return config(offsets, kafka, DebeziumSettings.NONE);
    }

    private static CaptureConfig config(CaptureConfig.OffsetStore offsets, KafkaClientSettings kafka, DebeziumSettings debezium) {
        return new CaptureConfig(new DatabaseSettings("jdbc:postgresql://db:5432/postgres", "postgres", "pw"),
                kafka, "cdc", null, 1, "usersync", "usersync", offsets, CaptureConfig.DEFAULT_POLL_INTERVAL,
                CaptureConfig.DEFAULT_MAX_BATCH_SIZE, CaptureConfig.DEFAULT_HEARTBEAT_INTERVAL, debezium);
    }

    @Test
    void shouldGiveTheKafkaOffsetStoreTheClientSettingsWithoutOverridingTheConnector() {
        KafkaClientSettings kafka = new KafkaClientSettings(Map.of("bootstrap.servers", "broker:9093",
                "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "heartbeat.interval.ms", "3000"));

        Properties props = DebeziumProperties.of(config(new CaptureConfig.OffsetStore.KafkaTopic("offsets"), kafka));

        assertThat(props).containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("heartbeat.interval.ms",
                        Long.toString(CaptureConfig.DEFAULT_HEARTBEAT_INTERVAL.toMillis()));
    }

    @Test
    void shouldGiveAFileOffsetStoreNoKafkaSettings() {
        KafkaClientSettings kafka = new KafkaClientSettings(Map.of("bootstrap.servers", "broker:9093",
                "security.protocol", "SASL_SSL"));

        Properties props = DebeziumProperties.of(config(new CaptureConfig.OffsetStore.File(Path.of("o.dat")), kafka));

        assertThat(props).doesNotContainKeys("bootstrap.servers", "security.protocol");
    }

    @Test
    void shouldGiveTheConnectorThePassedPropertiesOverCapturesOwnTuningAndTheKafkaSettings() {
        KafkaClientSettings kafka = new KafkaClientSettings(Map.of("bootstrap.servers", "broker:9093",
                "heartbeat.interval.ms", "3000"));
        DebeziumSettings debezium = new DebeziumSettings(Map.of("snapshot.fetch.size", "20000",
                "heartbeat.interval.ms", "250", "incremental.snapshot.chunk.size", "512", "database.tcpkeepalive", "true"));

        Properties props = DebeziumProperties.of(config(new CaptureConfig.OffsetStore.KafkaTopic("offsets"), kafka, debezium));

        assertThat(props).containsEntry("snapshot.fetch.size", "20000")
                .containsEntry("heartbeat.interval.ms", "250")
                .containsEntry("incremental.snapshot.chunk.size", "512")
                .containsEntry("database.tcpkeepalive", "true")
                .containsEntry("slot.name", "usersync");
    }

    @Test
    void shouldGrowTheQueueWithAPassedBatchSizeSoDebeziumAcceptsIt() {
        DebeziumSettings debezium = new DebeziumSettings(Map.of("max.batch.size", "50000"));

        Properties props = DebeziumProperties.of(config(new CaptureConfig.OffsetStore.File(Path.of("o.dat")),
                KafkaClientSettings.bootstrapServers("broker:9093"), debezium));

        assertThat(props).containsEntry("max.batch.size", "50000").containsEntry("max.queue.size", "200000");
    }

    @Test
    void shouldKeepAPassedQueueSize() {
        DebeziumSettings debezium = new DebeziumSettings(Map.of("max.batch.size", "50000", "max.queue.size", "60000"));

        Properties props = DebeziumProperties.of(config(new CaptureConfig.OffsetStore.File(Path.of("o.dat")),
                KafkaClientSettings.bootstrapServers("broker:9093"), debezium));

        assertThat(props).containsEntry("max.queue.size", "60000");
    }
}
