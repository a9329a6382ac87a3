package io.usersync.app.bench;

import java.time.Instant;

/**
 * Turns {@code System.nanoTime()} readings into epoch microseconds through one anchor, so the bench's own
 * timestamps are monotonic among themselves and comparable with PostgreSQL's and Kafka's wall-clock ones
 * (same machine, same clock).
 */
final class WallClock {

    private final long anchorNanos;
    private final long anchorEpochMicros;

    WallClock() {
        Instant now = Instant.now();
        this.anchorNanos = System.nanoTime();
        this.anchorEpochMicros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    long epochMicros(long nanoTime) {
        return anchorEpochMicros + (nanoTime - anchorNanos) / 1000;
    }

    long nowMicros() {
        return epochMicros(System.nanoTime());
    }

    /** Seconds since the anchor, for the timelines. */
    double seconds(long nanoTime) {
        return (nanoTime - anchorNanos) / 1e9;
    }
}
