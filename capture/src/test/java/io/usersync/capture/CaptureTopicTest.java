package io.usersync.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import io.usersync.schemas.TopicNames;

class CaptureTopicTest {

    @Test
    void shouldCreateTheCdcAndReservationsTopicsCompactedWithTheConfiguredPartitions() {
        List<NewTopic> missing = CaptureTopic.missing(CaptureConfigs.config(CaptureConfigs.RESERVATIONS_TOPIC, 6),
                Set.of(TopicNames.DEAD_LETTERS));

        assertThat(missing).extracting(NewTopic::name)
                .containsExactly(CaptureConfigs.CDC_TOPIC, CaptureConfigs.RESERVATIONS_TOPIC);
        assertThat(missing).allSatisfy(topic -> {
            assertThat(topic.numPartitions()).isEqualTo(6);
            assertThat(topic.configs()).containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        });
    }

    @Test
    void shouldLeaveATopicThatExistsAsItIs() {
        List<NewTopic> missing = CaptureTopic.missing(CaptureConfigs.withReservations(),
                Set.of(CaptureConfigs.CDC_TOPIC, TopicNames.DEAD_LETTERS));

        assertThat(missing).extracting(NewTopic::name).containsExactly(CaptureConfigs.RESERVATIONS_TOPIC);
    }

    @Test
    void shouldNotCreateAReservationsTopicWhenPublicUsersIsNotCaptured() {
        List<NewTopic> missing = CaptureTopic.missing(CaptureConfigs.withoutReservations(), Set.of(TopicNames.DEAD_LETTERS));

        assertThat(missing).extracting(NewTopic::name).containsExactly(CaptureConfigs.CDC_TOPIC);
    }

    @Test
    void shouldCreateTheDeadLetterTopicWithDeletionAfterItsRetentionForChangesTooBigForKafka() {
        List<NewTopic> missing = CaptureTopic.missing(CaptureConfigs.withoutReservations(), Set.of(CaptureConfigs.CDC_TOPIC));

        assertThat(missing).singleElement().satisfies(topic -> {
            assertThat(topic.name()).isEqualTo(TopicNames.DEAD_LETTERS);
            assertThat(topic.configs()).containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)
                    .containsEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(TopicNames.DEAD_LETTERS_RETENTION.toMillis()));
        });
    }
}
