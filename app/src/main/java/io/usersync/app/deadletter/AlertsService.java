package io.usersync.app.deadletter;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.schemas.kafka.KafkaClientSettings;
import io.usersync.schemas.logging.LogFields;

/**
 * Turns the dead-letter topic into alerts: one structured log line per dead letter, and per window one
 * webhook message per stage and reason. Its offsets are committed only after the window's alerts were
 * delivered or deliberately dropped, so a restart loses none; a stop without that commit re-reads the
 * window, which was never sent, so none is sent twice.
 */
public final class AlertsService implements AutoCloseable {

    public static final String GROUP_ID = "usersync-alerts";

    private static final Logger log = LoggerFactory.getLogger(AlertsService.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final AlertAggregator aggregator;
    private final WebhookNotifier notifier;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean running = true;

    public AlertsService(KafkaClientSettings kafka, String topic, Duration window, WebhookNotifier notifier) {
        this(kafka, topic, window, AlertAggregator.DEFAULT_MIN_DEAD_LETTERS, notifier);
    }

    /** @param minDeadLetters dead letters of one stage and reason a window must hold to be alerted */
    public AlertsService(KafkaClientSettings kafka, String topic, Duration window, int minDeadLetters,
            WebhookNotifier notifier) {
        this.consumer = new KafkaConsumer<>(kafka.clientProperties(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.aggregator = new AlertAggregator(window, minDeadLetters);
        this.notifier = notifier;
        this.clock = Clock.systemUTC();
        this.thread = new Thread(this::run, "usersync-alerts");
    }

    public void start() {
        thread.start();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    flush();
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // Positions come from the group's committed offsets.
                }
            });
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    // The eraser's records: a marker is no dead letter, and a copy's failure was alerted when first written.
                    if (DeadLetterRecord.isSegmentMarker(record) || DeadLetterRecord.isCopy(record)) {
                        continue;
                    }
                    DeadLetterRecord letter = DeadLetterRecord.of(record);
                    log.atWarn().addKeyValue(LogFields.STAGE, letter.stage()).addKeyValue(LogFields.TOPIC, record.topic())
                            .addKeyValue(LogFields.PARTITION, record.partition()).addKeyValue(LogFields.OFFSET, record.offset())
                            .addKeyValue(LogFields.USER_ID, letter.key())
                            .log("dead-letter stage={} reason={} user={} source={} attempt={} dlt={}", letter.stage(),
                                    letter.reason(), letter.key(), letter.source(), letter.attempt(), letter.id());
                    aggregator.add(letter, clock.instant());
                }
                if (aggregator.due(clock.instant())) {
                    flush();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("Alerts consumer woken up unexpectedly", e);
            }
        } finally {
            // Closing without a commit: whatever was not alerted yet is read again by the next start.
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        }
    }

    private void flush() {
        try {
            for (Alert alert : aggregator.drain()) {
                notifier.send(alert);
            }
            consumer.commitSync();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
