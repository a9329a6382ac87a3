package io.usersync.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import io.usersync.schemas.kafka.KafkaClientSettings;

class ProcessorConfigTest {

    @Test
    void shouldGiveEveryStreamsClientTheClientSettingsAndTheGuarantee() {
        KafkaClientSettings kafka = new KafkaClientSettings(Map.of("bootstrap.servers", "broker:9093",
                "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "compression.type", "lz4"));
        ProcessorConfig defaults = ProcessorConfig.defaults("unused:9092", 1, Path.of("target", "streams"));
        ProcessorConfig config = new ProcessorConfig(defaults.applicationId(), kafka, defaults.cdcTopic(),
                defaults.reservationsTopic(), defaults.profilesTopic(), defaults.eventsTopic(), defaults.deadLetterTopic(),
                1, false, defaults.stateDirectory(), defaults.commitInterval(), ProcessorConfig.Guarantee.EXACTLY_ONCE, null,
                defaults.erasureBound());

        Properties props = config.streamsProperties();

        assertThat(props).containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("compression.type", "lz4")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, defaults.applicationId());
    }

    @Test
    void shouldProcessAtLeastOnceByDefaultAndCommitLessOftenThanExactlyOnce() {
        ProcessorConfig defaults = ProcessorConfig.defaults("unused:9092", 1, Path.of("target", "streams"));

        assertThat(defaults.streamsProperties())
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200L);
        assertThat(ProcessorConfig.Guarantee.EXACTLY_ONCE.defaultCommitInterval())
                .isLessThan(ProcessorConfig.Guarantee.AT_LEAST_ONCE.defaultCommitInterval());
    }

    @Test
    void shouldMoveADeadInstancesTasksAfterSixSecondsUnlessTheOperatorSaysOtherwise() {
        ProcessorConfig defaults = ProcessorConfig.defaults("unused:9092", 1, Path.of("target", "streams"));
        KafkaClientSettings operator = new KafkaClientSettings(Map.of("bootstrap.servers", "broker:9093",
                "session.timeout.ms", "45000", "heartbeat.interval.ms", "3000"));
        ProcessorConfig configured = new ProcessorConfig(defaults.applicationId(), operator, defaults.cdcTopic(),
                defaults.reservationsTopic(), defaults.profilesTopic(), defaults.eventsTopic(), defaults.deadLetterTopic(),
                1, false, defaults.stateDirectory(), defaults.commitInterval(), defaults.guarantee(), null,
                defaults.erasureBound());

        assertThat(defaults.streamsProperties()).containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000)
                .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        assertThat(configured.streamsProperties()).containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "45000")
                .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
    }

    @Test
    void shouldMakeTheMainConsumerAStaticMemberWithTheInstanceId() {
        ProcessorConfig config = ProcessorConfig.defaults("unused:9092", 1, Path.of("target", "streams"))
                .withGroupInstanceId("instance-7-processor");

        assertThat(config.streamsProperties())
                .containsEntry(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "instance-7-processor")
                .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    }

    @Test
    void shouldLeaveTheMainConsumerADynamicMemberWithoutAnInstanceId() {
        ProcessorConfig config = ProcessorConfig.defaults("unused:9092", 1, Path.of("target", "streams"));

        assertThat(config.streamsProperties())
                .doesNotContainKey(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
    }

    /** Kafka Streams warns at every start of a StreamsConfig without it, the assignor's of the main consumer included. */
    @Test
    void shouldEnableTheProcessingExceptionHandlerForTheGlobalThreadInEveryStreamsConfig() {
        Properties props = ProcessorConfig.defaults("broker:9092", 1, Path.of("target", "streams")).streamsProperties();
        StreamsConfig streams = new StreamsConfig(props);

        assertThat(streams.getBoolean(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG)).isTrue();
        assertThat(streams.getMainConsumerConfigs("usersync-processor", "client", 0))
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    }
}
