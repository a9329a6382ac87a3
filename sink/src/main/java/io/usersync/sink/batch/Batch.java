package io.usersync.sink.batch;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * Writes to apply in one transaction, at most one per user, and the offset each partition reaches once
 * they are applied (including records that were reduced away or dead-lettered).
 */
public record Batch(List<ProfileWrite> writes, Map<TopicPartition, Long> nextOffsets) {

    public Batch {
        writes = List.copyOf(writes);
        nextOffsets = Map.copyOf(nextOffsets);
    }
}
