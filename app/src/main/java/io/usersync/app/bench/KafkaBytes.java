package io.usersync.app.bench;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;

/**
 * What the pipeline writes to Kafka, counted two ways:
 * <ul>
 * <li>produced: the {@code byte-total} of every producer in this process per topic (record batches as
 * sent, after compression; capture's producer, Kafka Streams' producers with their changelogs and
 * repartition topics, the dead-letter producers). The bench itself produces nothing.</li>
 * <li>log growth: the growth of every partition's size on the brokers' disks ({@code describeLogDirs}),
 * which adds what the brokers write themselves (consumer offsets, transaction state and markers) and all
 * replicas, and loses what Streams purges from its repartition topics when a whole segment goes.</li>
 * </ul>
 */
final class KafkaBytes {

    record Snapshot(Map<String, Long> producedByClientTopic, Map<String, Long> logBytesByTopic) {
    }

    private final Admin admin;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    KafkaBytes(Admin admin) {
        this.admin = admin;
    }

    Snapshot take() throws InterruptedException {
        return new Snapshot(produced(), logBytes());
    }

    private Map<String, Long> produced() {
        Map<String, Long> bytes = new HashMap<>();
        try {
            for (ObjectName name : server.queryNames(new ObjectName("kafka.producer:type=producer-topic-metrics,*"), null)) {
                Object total = server.getAttribute(name, "byte-total");
                if (total instanceof Number number) {
                    bytes.put(name.getKeyProperty("client-id") + "\u0000" + name.getKeyProperty("topic"), number.longValue());
                }
            }
        } catch (JMException e) {
            throw new IllegalStateException("cannot read the producers' metrics", e);
        }
        return bytes;
    }

    private Map<String, Long> logBytes() throws InterruptedException {
        Map<String, Long> bytes = new HashMap<>();
        try {
            var brokers = admin.describeCluster().nodes().get().stream().map(node -> node.id()).toList();
            for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
                for (LogDirDescription dir : dirs.values()) {
                    for (Map.Entry<org.apache.kafka.common.TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                        bytes.merge(replica.getKey().topic(), replica.getValue().size(), Long::sum);
                    }
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe the brokers' log directories", e.getCause());
        }
        return bytes;
    }

    /** Bytes produced per topic between two snapshots; a producer that started again counts from zero. */
    static Map<String, Long> producedBetween(Snapshot before, Snapshot after) {
        Map<String, Long> perTopic = new TreeMap<>();
        after.producedByClientTopic().forEach((key, total) -> {
            long start = before.producedByClientTopic().getOrDefault(key, 0L);
            long delta = total >= start ? total - start : total;
            perTopic.merge(key.substring(key.indexOf('\u0000') + 1), delta, Long::sum);
        });
        perTopic.values().removeIf(v -> v == 0);
        return perTopic;
    }

    /** Growth of each topic's logs between two snapshots. */
    static Map<String, Long> logGrowthBetween(Snapshot before, Snapshot after) {
        Map<String, Long> perTopic = new TreeMap<>();
        after.logBytesByTopic().forEach((topic, size) -> perTopic.put(topic, size - before.logBytesByTopic().getOrDefault(topic, 0L)));
        perTopic.values().removeIf(v -> v == 0);
        return perTopic;
    }

    /** What a phase wrote to Kafka between two snapshots, in all and per user synced. */
    static BenchReport.KafkaUsage usage(Snapshot before, Snapshot after, long users) {
        Map<String, Long> produced = producedBetween(before, after);
        Map<String, Long> growth = logGrowthBetween(before, after);
        long producedTotal = produced.values().stream().mapToLong(Long::longValue).sum();
        long growthTotal = growth.values().stream().mapToLong(Long::longValue).sum();
        return new BenchReport.KafkaUsage(producedTotal, users == 0 ? null : (double) producedTotal / users, growthTotal,
                users == 0 ? null : (double) growthTotal / users, produced, growth);
    }
}
