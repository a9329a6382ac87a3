package io.usersync.app;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.usersync.schemas.TopicNames;
import io.usersync.schemas.profile.UserProfile;

/**
 * Waits for the pipeline to have handled a change whose profile need not change the row (the sink writes a row only
 * where a profile differs from it): the profile is on the profiles topic, and the sink's offsets, stored with the rows
 * it writes, are past it.
 */
final class SinkProgress {

    private static final Duration AT_MOST = Duration.ofMinutes(1);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SinkProgress() {
    }

    /** Waits until a profile of the user that {@code matches} is on the profiles topic, and the sink has gone past it. */
    static void awaitSinkPast(String bootstrapServers, DataSource database, UUID user, Predicate<UserProfile> matches) {
        ConsumerRecord<String, String> record = await().atMost(AT_MOST)
                .until(() -> profileOf(bootstrapServers, user, matches), found -> found != null);
        await().atMost(AT_MOST).until(() -> storedOffset(database, record.partition()) > record.offset());
    }

    private static ConsumerRecord<String, String> profileOf(String bootstrapServers, UUID user,
            Predicate<UserProfile> matches) throws Exception {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TopicNames.PROFILES).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            for (ConsumerRecord<String, String> record : records) {
                if (user.toString().equals(record.key()) && record.value() != null
                        && matches.test(MAPPER.readValue(record.value(), UserProfile.class))) {
                    return record;
                }
            }
            return null;
        }
    }

    private static long storedOffset(DataSource database, int partition) throws Exception {
        try (Connection connection = database.getConnection(); PreparedStatement statement = connection.prepareStatement(
                "select coalesce(max(next_offset), -1) from usersync.sink_offsets where topic = ? and partition = ?")) {
            statement.setString(1, TopicNames.PROFILES);
            statement.setInt(2, partition);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
