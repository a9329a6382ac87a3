package io.usersync.app.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The last few minutes of the pipeline's cumulative counters, one sample per tick: rates and "last synced" are
 * differences between samples, so the stages need no clock of their own for the dashboard.
 */
final class SyncHistory {

    /** Cumulative counts at one instant: users synced (rows written or deleted), syncs that failed, dead letters read. */
    record Sample(Instant at, double synced, double failed, double deadLetters) {
    }

    private final int capacity;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private Instant lastSyncedAt;

    /** @param capacity samples kept; with one sample a second, 300 is five minutes */
    SyncHistory(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity must be at least 2");
        }
        this.capacity = capacity;
    }

    synchronized void add(Sample sample) {
        Sample previous = samples.peekLast();
        if (previous != null && sample.synced() > previous.synced()) {
            lastSyncedAt = sample.at().truncatedTo(ChronoUnit.MILLIS);
        }
        samples.addLast(sample);
        if (samples.size() > capacity) {
            samples.removeFirst();
        }
    }

    synchronized Optional<Sample> latest() {
        return Optional.ofNullable(samples.peekLast());
    }

    /** The sample at which the synced count was last seen to grow: the last sync, to the sampling interval. */
    synchronized Optional<Instant> lastSyncedAt() {
        return Optional.ofNullable(lastSyncedAt);
    }

    /** How much each count grew over the last {@code window}, or over all samples when they span less. */
    synchronized Optional<Sample> increase(Duration window) {
        Sample last = samples.peekLast();
        Sample first = baseline(window);
        if (last == null || first == null || first == last) {
            return Optional.empty();
        }
        return Optional.of(new Sample(last.at(), last.synced() - first.synced(), last.failed() - first.failed(),
                last.deadLetters() - first.deadLetters()));
    }

    /** Users synced per second over the last {@code window}; empty until there are two samples. */
    synchronized Optional<Double> syncedPerSecond(Duration window) {
        Sample last = samples.peekLast();
        Sample first = baseline(window);
        if (last == null || first == null || first == last) {
            return Optional.empty();
        }
        double seconds = Duration.between(first.at(), last.at()).toMillis() / 1000.0;
        return seconds <= 0 ? Optional.empty() : Optional.of((last.synced() - first.synced()) / seconds);
    }

    /** Users synced per second between consecutive samples, oldest first: the chart's series. */
    synchronized List<Double> syncedPerSecondSeries() {
        List<Double> series = new ArrayList<>(samples.size());
        Sample previous = null;
        for (Sample sample : samples) {
            if (previous != null) {
                double seconds = Duration.between(previous.at(), sample.at()).toMillis() / 1000.0;
                series.add(seconds <= 0 ? 0.0 : (sample.synced() - previous.synced()) / seconds);
            }
            previous = sample;
        }
        return series;
    }

    /** The oldest sample no older than {@code window} before the latest one. */
    private Sample baseline(Duration window) {
        Sample last = samples.peekLast();
        if (last == null) {
            return null;
        }
        Instant from = last.at().minus(window);
        for (Iterator<Sample> it = samples.iterator(); it.hasNext(); ) {
            Sample sample = it.next();
            if (!sample.at().isBefore(from)) {
                return sample;
            }
        }
        return last;
    }
}
