package io.usersync.sink;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter between a first and a largest wait. */
final class Backoff {

    private final long firstMillis;
    private final long maxMillis;
    private int attempt;

    Backoff(Duration first, Duration max) {
        this.firstMillis = first.toMillis();
        this.maxMillis = max.toMillis();
    }

    /** The next wait: random in [first/2, min(max, first * 2^attempt)], so many sinks do not retry in step. */
    Duration next() {
        long ceiling = Math.min(maxMillis, firstMillis << Math.min(attempt, 20));
        attempt++;
        long floor = Math.max(1, firstMillis / 2);
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(floor, Math.max(floor, ceiling) + 1));
    }

    void reset() {
        attempt = 0;
    }
}
