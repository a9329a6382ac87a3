package io.usersync.app.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.usersync.schemas.kafka.KafkaClientSettings;

/**
 * Watches the pipeline between its stages: the CDC topic, where a record's timestamp is the time capture's
 * producer sent it, and the profiles topic, where it is not (Kafka Streams copies the input record's
 * timestamp onto its outputs), so a profile's time is when this {@code read_committed} consumer received
 * it: when it became visible to any reader. Assigned partitions, no group, from the beginning.
 */
final class StageProbe implements AutoCloseable {

    /** The longest the broker holds a fetch back waiting for data: the probe's resolution on the profiles topic. */
    private static final int FETCH_MAX_WAIT_MS = 5;

    private final KafkaConsumer<String, byte[]> consumer;
    private final String cdcTopic;
    private final WallClock clock;
    private final Arrivals cdc = new Arrivals();
    private final Arrivals profiles = new Arrivals();
    private final Thread thread;
    private volatile boolean running = true;

    StageProbe(KafkaClientSettings kafka, String cdcTopic, String profilesTopic, WallClock clock) {
        this.cdcTopic = cdcTopic;
        this.clock = clock;
        this.consumer = new KafkaConsumer<>(kafka.clientProperties(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "usersync-bench-probe",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000)),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(cdcTopic, profilesTopic)) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(this::poll, "bench-probe");
        thread.setDaemon(true);
        thread.start();
    }

    private void poll() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                long received = clock.epochMicros(System.nanoTime());
                for (ConsumerRecord<String, byte[]> record : records) {
                    UUID id = userId(record.key());
                    if (id == null || record.value() == null) {
                        continue;
                    }
                    if (record.topic().equals(cdcTopic)) {
                        cdc.add(id, record.timestamp() * 1000);
                    } else {
                        profiles.add(id, received);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    private static UUID userId(String key) {
        try {
            return key == null ? null : UUID.fromString(key);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** When each CDC record was sent by capture (its record timestamp, ms resolution). */
    Arrivals cdc() {
        return cdc;
    }

    /** When each profile became visible to a read_committed consumer. */
    Arrivals profiles() {
        return profiles;
    }

    /** CPU time of the probe's thread so far, to subtract from the process's. */
    long cpuNanos() {
        return Math.max(0, ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.getId()));
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
