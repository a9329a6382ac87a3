package io.usersync.app.run;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long a start took, step by step, and whether it followed a crash. A marker file in the data directory lives
 * from start to clean stop: found at start, the previous run ended without stopping (kill -9, a power cut), and the
 * start is logged as {@code recovered in ...} once every stage works; otherwise as {@code started in ...}.
 */
final class RestartTimeline implements AutoCloseable {

    static final String MARKER = "running";
    private static final Logger log = LoggerFactory.getLogger(RestartTimeline.class);
    private static final Duration CHECK_INTERVAL = Duration.ofMillis(50);

    private final Path marker;
    private final boolean afterCrash;
    private final Supplier<Instant> clock;
    private final List<Step> steps = new ArrayList<>();
    private final ScheduledExecutorService watcher;
    private Instant last;
    private ScheduledFuture<?> watch;

    private record Step(String name, Duration took) {
    }

    private RestartTimeline(Path marker, boolean afterCrash, Instant processStart, Supplier<Instant> clock) {
        this.marker = marker;
        this.afterCrash = afterCrash;
        this.clock = clock;
        this.last = processStart;
        this.watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "usersync-restart-timeline");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts the timeline at this JVM's start and leaves the marker in {@code dataDir}. */
    static RestartTimeline begin(Path dataDir) {
        return begin(dataDir, Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()), Instant::now);
    }

    static RestartTimeline begin(Path dataDir, Instant processStart, Supplier<Instant> clock) {
        Path marker = dataDir.resolve(MARKER);
        boolean afterCrash = Files.exists(marker);
        try {
            Files.createDirectories(dataDir);
            Files.writeString(marker, ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            // Only the log line depends on it: a stage that needs the data directory says so itself.
            log.warn("Cannot write {} ({}): a start after a crash will not be told from a clean one", marker, e.toString());
        }
        RestartTimeline timeline = new RestartTimeline(marker, afterCrash, processStart, clock);
        timeline.step("JVM");
        return timeline;
    }

    boolean afterCrash() {
        return afterCrash;
    }

    /** Ends the step that began where the previous one ended. */
    synchronized void step(String name) {
        Instant now = clock.get();
        steps.add(new Step(name, Duration.between(last, now)));
        last = now;
    }

    /** Logs the timeline as soon as {@code working} says every stage works; checks it in the background. */
    synchronized void logWhen(BooleanSupplier working) {
        watch = watcher.scheduleWithFixedDelay(() -> {
            if (working.getAsBoolean()) {
                step("stages working");
                log.info(line());
                watcher.shutdown();
            }
        }, 0, CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@code recovered in 4.1 s after an unclean stop: JVM 0.6 s, ...}, or {@code started in ...}. */
    synchronized String line() {
        Duration total = steps.stream().map(Step::took).reduce(Duration.ZERO, Duration::plus);
        StringBuilder out = new StringBuilder(afterCrash ? "recovered in " : "started in ").append(seconds(total));
        out.append(afterCrash ? " after an unclean stop: " : ": ");
        for (int i = 0; i < steps.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(steps.get(i).name()).append(' ').append(seconds(steps.get(i).took()));
        }
        return out.toString();
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    /** A clean stop: the next start is not a recovery. */
    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.cancel(false);
        }
        watcher.shutdownNow();
        try {
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            log.warn("Could not remove {}: the next start will be logged as a recovery", marker);
        }
    }
}
