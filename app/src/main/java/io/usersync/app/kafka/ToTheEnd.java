package io.usersync.app.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads partitions whole, as they are now: from their start to the end they had when the read began. */
public final class ToTheEnd {

    private static final Duration POLL = Duration.ofMillis(200);

    private ToTheEnd() {
    }

    /** Every record of the partitions, by partition, in order; the consumer is assigned to them. */
    public static <K, V> Map<TopicPartition, List<ConsumerRecord<K, V>>> read(KafkaConsumer<K, V> consumer,
            Collection<TopicPartition> partitions) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, List<ConsumerRecord<K, V>>> read = new LinkedHashMap<>();
        partitions.forEach(partition -> read.put(partition, new ArrayList<>()));
        while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
            for (ConsumerRecord<K, V> record : consumer.poll(POLL)) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (record.offset() < ends.get(partition)) {
                    read.get(partition).add(record);
                }
            }
        }
        return read;
    }

    /** Every partition of the topic. */
    public static <K, V> List<TopicPartition> partitions(KafkaConsumer<K, V> consumer, String topic) {
        return consumer.partitionsFor(topic).stream().map(info -> new TopicPartition(topic, info.partition())).toList();
    }
}
