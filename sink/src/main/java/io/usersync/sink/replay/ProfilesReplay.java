package io.usersync.sink.replay;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.zaxxer.hikari.HikariDataSource;

import io.usersync.schemas.kafka.SegmentMarker;
import io.usersync.sink.SinkConfig;
import io.usersync.sink.SinkConnectionPool;
import io.usersync.sink.batch.Batch;
import io.usersync.sink.batch.ProfileBuffer;
import io.usersync.sink.batch.ProfileRecords;
import io.usersync.sink.batch.ProfileWrite;
import io.usersync.sink.deadletter.DeadLetterReasons;
import io.usersync.sink.deadletter.KafkaDeadLetterReporter;
import io.usersync.sink.write.ProfileWriter;

/**
 * Rewrites public.users from the compacted profiles topic: every partition from its start to the end it
 * had when the replay began. Safe beside a running sink (the LSN guard lets no older profile win) and
 * idempotent; it stores no offsets, so the running sink's position is untouched.
 */
public final class ProfilesReplay {

    /** What the replay did. */
    public record Result(long records, long upserted, long deleted, long rejected) {
    }

    private final SinkConfig config;

    public ProfilesReplay(SinkConfig config) {
        this.config = config;
    }

    /** @param progress told the number of records read so far, after every batch */
    public Result run(LongConsumer progress) throws SQLException {
        try (HikariDataSource dataSource = SinkConnectionPool.open(config);
                KafkaDeadLetterReporter deadLetters = KafkaDeadLetterReporter.create(config.kafka(),
                        config.deadLetterTopic());
                KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config.kafka().clientProperties(Map.of(
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000)),
                        new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(config.profilesTopic()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
            ProfileWriter writer = new ProfileWriter(dataSource, config.database().profileTable(), config.groupId(), config.deleteMode(), true);
            ProfileBuffer buffer = new ProfileBuffer(config.batchSize(), Duration.ZERO, System::nanoTime);
            long records = 0;
            long upserted = 0;
            long deleted = 0;
            long rejected = 0;
            while (!done(consumer, ends)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    records++;
                    ProfileWrite write = SegmentMarker.is(record.key()) ? null : write(record);
                    if (write != null) {
                        buffer.add(write);
                    }
                }
                if (!buffer.isEmpty()) {
                    Batch drained = buffer.drain();
                    // No offsets: a replay must not move the running sink's stored position.
                    ProfileWriter.Result result = writer.write(new Batch(drained.writes(), Map.of()),
                            (write, error) -> deadLetters.report(write, DeadLetterReasons.rejected(error), error));
                    upserted += result.upserted();
                    deleted += result.deleted();
                    rejected += result.rejected();
                    progress.accept(records);
                }
            }
            return new Result(records, upserted, deleted, rejected);
        }
    }

    private static boolean done(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    }

    private static ProfileWrite write(ConsumerRecord<String, byte[]> record) {
        try {
            return ProfileRecords.parse(record);
        } catch (IOException | IllegalArgumentException e) {
            // The running sink dead-lettered it when it first read it.
            return null;
        }
    }
}
