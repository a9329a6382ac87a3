package io.usersync.app.deadletter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.usersync.app.kafka.ToTheEnd;
import io.usersync.schemas.kafka.KafkaClientSettings;

/** Reads the whole dead-letter topic as it is now, without a consumer group. */
public final class DeadLetterReader {

    private final KafkaClientSettings kafka;
    private final String topic;

    public DeadLetterReader(KafkaClientSettings kafka, String topic) {
        this.kafka = kafka;
        this.topic = topic;
    }

    /**
     * Every dead letter once: the eraser's segment markers are skipped, and a dead letter that is there twice (the
     * eraser copied it and was stopped before it deleted the original) is read once, by its id.
     */
    public List<DeadLetterRecord> readAll() {
        Map<String, DeadLetterRecord> letters = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.clientProperties(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            ToTheEnd.read(consumer, ToTheEnd.partitions(consumer, topic)).values().forEach(records -> records.forEach(record -> {
                if (!DeadLetterRecord.isSegmentMarker(record)) {
                    DeadLetterRecord letter = DeadLetterRecord.of(record);
                    letters.putIfAbsent(letter.id(), letter);
                }
            }));
        }
        return new ArrayList<>(letters.values());
    }
}
