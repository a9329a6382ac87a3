package io.usersync.app.bench;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** Everything one bench run found; written as JSON and HTML and summarized on stdout. */
public record BenchReport(String startedAt, Setup setup, List<Phase> phases, Map<String, Double> ratios,
        List<ResourceSampler.Sample> timeline, List<String> notes) {

    /** What ran where. */
    public record Setup(String usersync, String java, int cores, double maxHeapMb, String database, String kafka,
            int partitions, Map<String, String> options) {
    }

    /**
     * One measured phase. {@code usersPerSecond} is users over {@code seconds}, the phase's own span (see
     * {@code description}); {@code synced} is how many of {@code users} reached public.users in time.
     */
    public record Phase(String name, String phase, String description, long users, long synced, boolean complete,
            double startSeconds, double endSeconds, double seconds, Double usersPerSecond, Double firstRowSeconds,
            Map<String, StageLatency> latency, OpenLoopDriver.Summary driver, Resources resources, KafkaUsage kafka) {
    }

    /** Latencies of one stage, or end to end. */
    public record StageLatency(String label, @JsonUnwrapped Distribution distribution) {
    }

    /**
     * The process over the phase. CPU covers every thread of this JVM but the bench's driver and probe (whose
     * time is given apart): the pipeline, and the Kafka broker when it is the embedded one; PostgreSQL is
     * another process and not counted.
     */
    public record Resources(double cpuSeconds, double benchCpuSeconds, Double cpuMsPerUser, Double cpuPercentAvg,
            Double cpuPercentMax, Double heapPeakMb, Double heapAvgMb, Double rssPeakMb) {
    }

    /** Bytes written to Kafka over the phase, counted as {@link KafkaBytes} describes, in total and per topic. */
    public record KafkaUsage(long producedBytes, Double producedBytesPerUser, long logGrowthBytes,
            Double logGrowthBytesPerUser, Map<String, Long> producedBytesByTopic, Map<String, Long> logGrowthByTopic) {
    }
}
