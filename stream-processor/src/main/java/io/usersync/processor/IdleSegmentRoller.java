package io.usersync.processor;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.schemas.kafka.KafkaClientSettings;
import io.usersync.schemas.kafka.SegmentMarker;

/**
 * Appends a {@link SegmentMarker} to each partition of the processor's compacted and purged topics that has gone quiet
 * with records in its active segment. A broker rolls a segment only at an append, once the segment's first record is
 * older than the topic's {@code segment.ms} (or, compacted, its {@code max.compaction.lag.ms}); compaction and a purge
 * below an offset never reach the active segment. So a partition that takes no record after a user's delete would
 * keep the user's last records for good. With the marker the segment rolls, and the cleaner (or the purge) takes it
 * within the erasure bound.
 *
 * <p>Every eighth of the bound, it reads the last records of each partition. A partition gets a marker when its
 * newest record is older than the topic's roll time, and fewer than two markers, a roll time apart, came after its
 * last record of the pipeline's: the first rolls the segment of the last records; the second rolls the first's, so
 * that the cleaner cleans the partition once more, a roll time later, and drops what the first clean kept of a
 * delete (a tombstone keyed by a username outlives the first clean by {@code delete.retention.ms}). Then the partition
 * is left alone until it takes a record again: a quiet partition costs two tiny records. The decision rests on the
 * partition alone, so processes that run it side by side, or one that restarts, append no more than that.
 */
final class IdleSegmentRoller implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IdleSegmentRoller.class);
    /** The markers, a roll time apart, a partition gets after its last records. */
    static final int ROLLS = 2;
    /** How many of a partition's last records are read: more than a few markers after the last of the pipeline's. */
    private static final int TAIL = 16;
    /** Clocks of the broker and of the processes that wrote the records need not agree to the millisecond. */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration READ_WITHIN = Duration.ofSeconds(30);
    private static final String CLIENT_ID = "usersync-segment-roller";

    private final KafkaClientSettings kafka;
    private final Set<String> topics;
    private final Duration every;
    private final Clock clock;
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(
            runnable -> new Thread(runnable, "usersync-segment-roller"));
    private boolean refused;

    /**
     * @param topics the topics whose quiet partitions get markers: only topics whose every reader skips them
     * @param every  how often it looks: an eighth of the erasure bound
     */
    IdleSegmentRoller(KafkaClientSettings kafka, Set<String> topics, Duration every, Clock clock) {
        this.kafka = kafka;
        this.topics = Set.copyOf(topics);
        this.every = every;
        this.clock = clock;
    }

    void start() {
        schedule.scheduleWithFixedDelay(this::rollQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One pass: appends a marker to each partition that needs one; returns those partitions. */
    List<TopicPartition> roll() throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(kafka.clientProperties(Map.of(ConsumerConfig.CLIENT_ID_CONFIG, CLIENT_ID)));
                KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.clientProperties(Map.of(
                        ConsumerConfig.CLIENT_ID_CONFIG, CLIENT_ID,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                        // What is on disk: an aborted transaction's records too.
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_UNCOMMITTED.toString())),
                        new StringDeserializer(), new ByteArrayDeserializer())) {
            Map<String, Long> rollTimes = rollTimes(admin);
            if (rollTimes.isEmpty()) {
                return List.of();
            }
            List<TopicPartition> partitions = new ArrayList<>();
            admin.describeTopics(rollTimes.keySet()).allTopicNames().get().forEach((topic, description) ->
                    description.partitions().forEach(partition -> partitions.add(new TopicPartition(topic, partition.partition()))));
            Map<TopicPartition, List<Stamp>> tails = tails(consumer, partitions);
            long now = clock.millis();
            List<TopicPartition> quiet = new ArrayList<>();
            tails.forEach((partition, tail) -> {
                long slack = CLOCK_SLACK.toMillis();
                if (needsMarker(tail, now, Math.min(rollTimes.get(partition.topic()), Long.MAX_VALUE - slack) + slack)) {
                    quiet.add(partition);
                }
            });
            if (!quiet.isEmpty()) {
                append(quiet, now);
                log.info("Segment markers appended to {} quiet partitions, so that the broker rolls their last segments: {}",
                        quiet.size(), quiet);
            }
            return quiet;
        }
    }

    /** A record of a partition's tail: its time, and whether it is a marker. */
    record Stamp(long timestamp, boolean marker) {
    }

    /**
     * Whether a partition whose last records are {@code tail}, oldest first, needs a marker now: its newest record is
     * at least {@code rollMs} old, and after its last record of the pipeline's fewer than {@link #ROLLS} markers came,
     * counting only those a roll time after the one counted before (two processes may append one each at once).
     */
    static boolean needsMarker(List<Stamp> tail, long now, long rollMs) {
        if (tail.isEmpty() || now - tail.get(tail.size() - 1).timestamp() < rollMs) {
            return false;
        }
        int last = tail.size() - 1;
        while (last >= 0 && tail.get(last).marker()) {
            last--;
        }
        if (last < 0) {
            return false; // Markers only, as far as it reads: rolled long ago.
        }
        int rolls = 0;
        long counted = 0;
        for (Stamp marker : tail.subList(last + 1, tail.size())) {
            if (rolls == 0 || marker.timestamp() - counted >= rollMs) {
                rolls++;
                counted = marker.timestamp();
            }
        }
        return rolls < ROLLS;
    }

    /**
     * The time after which a segment of each topic rolls at an append (the topics that exist): {@code segment.ms}, or
     * for a compacted topic {@code max.compaction.lag.ms} if less, as the broker has it.
     */
    private Map<String, Long> rollTimes(Admin admin) throws ExecutionException, InterruptedException {
        List<ConfigResource> resources = new ArrayList<>();
        Set<String> existing = admin.listTopics().names().get();
        topics.stream().filter(existing::contains)
                .forEach(topic -> resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topic)));
        Map<String, Long> rollTimes = new HashMap<>();
        admin.describeConfigs(resources).all().get().forEach((resource, config) -> {
            long segmentMs = longSetting(config, TopicConfig.SEGMENT_MS_CONFIG);
            long lagMs = longSetting(config, TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG);
            ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            boolean compacted = policy != null && policy.value() != null && policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT);
            rollTimes.put(resource.name(), compacted && lagMs > 0 ? Math.min(segmentMs, lagMs) : segmentMs);
        });
        return rollTimes;
    }

    private static long longSetting(Config config, String name) {
        ConfigEntry entry = config.get(name);
        return entry == null || entry.value() == null ? Long.MAX_VALUE : Long.parseLong(entry.value());
    }

    /** The last records of each partition that has any, up to its end when the read began. */
    private static Map<TopicPartition, List<Stamp>> tails(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions) {
        consumer.assign(partitions);
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, List<Stamp>> tails = new HashMap<>();
        for (TopicPartition partition : partitions) {
            if (ends.get(partition) > starts.get(partition)) {
                tails.put(partition, new ArrayList<>());
            }
        }
        consumer.assign(tails.keySet());
        tails.keySet().forEach(partition ->
                consumer.seek(partition, Math.max(starts.get(partition), ends.get(partition) - TAIL)));
        long deadline = System.nanoTime() + READ_WITHIN.toNanos();
        while (tails.keySet().stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the last records of " + tails.keySet() + " not read within " + READ_WITHIN);
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (record.offset() < ends.get(partition)) {
                    tails.get(partition).add(new Stamp(record.timestamp(), SegmentMarker.is(record.key())));
                }
            }
        }
        return tails;
    }

    private void append(List<TopicPartition> partitions, long now) throws ExecutionException, InterruptedException {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)), new StringSerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                RecordHeaders headers = new RecordHeaders();
                headers.add(SegmentMarker.HEADER, new byte[] {'1'});
                sent.add(producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), now, SegmentMarker.KEY,
                        null, headers)));
            }
            for (Future<RecordMetadata> marker : sent) {
                marker.get();
            }
        }
    }

    private void rollQuietly() {
        try {
            roll();
            refused = false;
        } catch (ExecutionException | RuntimeException e) {
            // Said once until it works again: the pipeline goes on, a quiet partition only keeps its last records longer.
            if (!refused) {
                log.warn("Cannot roll the quiet partitions of {} ({}): a deleted user's last records may stay in them longer"
                        + " than USERSYNC_ERASURE_BOUND. Fix: allow this client Describe, DescribeConfigs, Read and Write on"
                        + " them", topics, (e instanceof ExecutionException ? e.getCause() : e).getClass().getSimpleName());
                refused = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets a pass under way finish (it is short), then stops. */
    @Override
    public void close() {
        schedule.shutdown();
        try {
            if (!schedule.awaitTermination(10, TimeUnit.SECONDS)) {
                schedule.shutdownNow();
            }
        } catch (InterruptedException e) {
            schedule.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
