package io.usersync.processor.topology;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Utils;

/**
 * Which username roots a task owns. A task reads the same partition of every topic of its sub-topology,
 * so the task that reads partition p of the CDC topic also reads partition p of the claims topic, where the
 * producer's key hash sends every claim for a root. A claim for a root the task owns is decided on the spot,
 * in the same store, instead of a round trip through the claims and assignments topics: with one partition,
 * every claim.
 */
final class ClaimPartitions {

    private final int partitions;
    private final int partition;

    /**
     * @param partitions partitions of the claims topic
     * @param partition  the partition this task reads
     */
    ClaimPartitions(int partitions, int partition) {
        this.partitions = partitions;
        this.partition = partition;
    }

    boolean ownsRoot(String root) {
        return partitionOf(root, partitions) == partition;
    }

    /** The partition the producer's default partitioner gives a String key. */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
