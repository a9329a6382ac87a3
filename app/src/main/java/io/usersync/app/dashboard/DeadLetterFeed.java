package io.usersync.app.dashboard;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.usersync.app.deadletter.DeadLetterRecord;
import io.usersync.schemas.kafka.KafkaClientSettings;

/**
 * Reads the dead-letter topic from its beginning and then as it grows, without a consumer group, into a
 * {@link DeadLetterTally} and the counter {@value #METER_NAME} by stage and reason. Every stage writes to that
 * topic, so each process's dashboard shows the dead letters of the whole pipeline, capture's included.
 */
final class DeadLetterFeed implements AutoCloseable {

    static final String METER_NAME = "usersync.dlt.records";
    static final String CLIENT_ID = "usersync-dashboard-dlt";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterFeed.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration TOPIC_WAIT = Duration.ofSeconds(5);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final DeadLetterTally tally;
    private final MeterRegistry registry;
    private final Thread thread;
    private volatile boolean closed;

    DeadLetterFeed(KafkaClientSettings kafka, String topic, DeadLetterTally tally, MeterRegistry registry) {
        this.topic = topic;
        this.tally = tally;
        this.registry = registry;
        // read_committed: the stream processor writes its dead letters in its exactly-once transactions. Looking for
        // the topic must never create it with the broker's defaults: the stages create it.
        this.consumer = new KafkaConsumer<>(kafka.clientProperties(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, CLIENT_ID,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString())),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "usersync-dashboard-dlt");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            if (partitions.isEmpty()) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> firstRead = consumer.beginningOffsets(partitions);
            while (!closed) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    if (DeadLetterRecord.isSegmentMarker(record)) {
                        continue;
                    }
                    DeadLetterRecord read = DeadLetterRecord.of(record);
                    // The eraser's copy of a dead letter this feed has read where it was first written.
                    if (DeadLetterRecord.isCopy(record)
                            && read.offset() >= firstRead.get(new TopicPartition(record.topic(), record.partition()))) {
                        continue;
                    }
                    DeadLetterSummary letter = DeadLetterSummary.of(read);
                    tally.add(letter);
                    Counter.builder(METER_NAME).description("Dead letters read from the dead-letter topic, by stage and reason")
                            .tag("stage", letter.stage()).tag("reason", letter.reason()).register(registry).increment();
                }
            }
        } catch (WakeupException e) {
            // close() woke the consumer up: nothing to do
        } catch (RuntimeException e) {
            log.warn("The dashboard stopped reading {}: {}", topic, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    /** The topic's partitions once it exists (a stage creates it); empty when closed first. */
    private List<TopicPartition> awaitPartitions() {
        while (!closed) {
            try {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, TOPIC_WAIT).stream()
                        .map(info -> new TopicPartition(topic, info.partition())).toList();
                if (!partitions.isEmpty()) {
                    return partitions;
                }
            } catch (TimeoutException e) {
                log.debug("{} not found yet", topic);
            }
            if (!closed) {
                waitABit();
            }
        }
        return List.of();
    }

    private void waitABit() {
        synchronized (this) {
            try {
                wait(TOPIC_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            notifyAll();
        }
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
