package io.usersync.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.kafka.KafkaClientSettings;

class SinkStageTest {

    private static final SinkConfig CONFIG = new SinkConfig(new DatabaseSettings("jdbc:postgresql://db/postgres", "u", "p"),
            KafkaClientSettings.bootstrapServers("broker:9092"), "profiles", "dlt", "usersync-sink", 500,
            Duration.ZERO, SinkConfig.DeleteMode.HARD, 1, Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void shouldJoinAsAStaticMemberWithTheInstanceId() {
        SinkStage stage = new SinkStage(CONFIG.withGroupInstanceId("instance-7-sink"), new SimpleMeterRegistry());

        assertThat(stage.consumerProperties()).containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-7-sink")
                .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "usersync-sink");
    }

    @Test
    void shouldGiveUpADeadInstancesPartitionsAfterSixSecondsUnlessTheOperatorSaysOtherwise() {
        SinkStage stage = new SinkStage(CONFIG, new SimpleMeterRegistry());
        KafkaClientSettings operator = new KafkaClientSettings(Map.of("bootstrap.servers", "broker:9092",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "45000", ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000"));

        assertThat(CONFIG.kafka().clientProperties(stage.consumerProperties()))
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000)
                .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        assertThat(operator.clientProperties(stage.consumerProperties()))
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "45000")
                .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
    }

    @Test
    void shouldJoinAsADynamicMemberWithoutAnInstanceId() {
        SinkStage stage = new SinkStage(CONFIG, new SimpleMeterRegistry());

        assertThat(stage.consumerProperties()).doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    }
}
