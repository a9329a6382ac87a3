package io.usersync.app.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples this process at a fixed interval: CPU time (all its threads: the pipeline, the in-process Kafka
 * broker when embedded, the bench's own driver and probe; never PostgreSQL, which is another process),
 * heap in use and, on Linux, resident memory.
 */
final class ResourceSampler implements AutoCloseable {

    /** One sample; cpuPercent is of all cores over the interval before it (100 = every core busy). */
    record Sample(double seconds, double cpuPercent, double heapUsedMb, Double rssMb) {
    }

    private static final Path STATUS = Path.of("/proc/self/status");

    private final com.sun.management.OperatingSystemMXBean os;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final WallClock clock;
    private final int cores = Runtime.getRuntime().availableProcessors();
    private final List<Sample> samples = new ArrayList<>();
    private final ScheduledExecutorService executor;
    private long lastCpu;
    private long lastNanos;

    ResourceSampler(WallClock clock, Duration interval) {
        this.os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        this.clock = clock;
        this.lastCpu = os.getProcessCpuTime();
        this.lastNanos = System.nanoTime();
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "bench-sampler");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleAtFixedRate(this::sample, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    long processCpuNanos() {
        return os.getProcessCpuTime();
    }

    int cores() {
        return cores;
    }

    private void sample() {
        long nanos = System.nanoTime();
        long cpu = os.getProcessCpuTime();
        double percent = 100.0 * (cpu - lastCpu) / (nanos - lastNanos) / cores;
        lastCpu = cpu;
        lastNanos = nanos;
        Sample sample = new Sample(clock.seconds(nanos), percent, memory.getHeapMemoryUsage().getUsed() / 1048576.0, rssMb());
        synchronized (samples) {
            samples.add(sample);
        }
    }

    /** Samples taken from {@code fromSeconds} to {@code toSeconds} (seconds of the {@link WallClock}). */
    List<Sample> between(double fromSeconds, double toSeconds) {
        synchronized (samples) {
            return samples.stream().filter(s -> s.seconds() >= fromSeconds && s.seconds() <= toSeconds).toList();
        }
    }

    List<Sample> all() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    private static Double rssMb() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no resident size
        }
        return null;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
