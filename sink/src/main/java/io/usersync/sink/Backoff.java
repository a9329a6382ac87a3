package io.usersync.sink;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff between a first and a largest wait, with jitter: the n-th wait is drawn from
 * [ceiling * (1 - jitter), ceiling], where the ceiling is min(max, first * 2^n). Jitter 0 waits exactly the
 * ceiling; jitter 1 anywhere from 1 ms to it, so many sinks do not retry in step.
 */
final class Backoff {

    private final long firstMillis;
    private final long maxMillis;
    private final double jitter;
    /** A random number from 0 to the bound, both included. */
    private final LongUnaryOperator random;
    private int attempt;

    Backoff(Duration first, Duration max, double jitter) {
        this(first, max, jitter, bound -> ThreadLocalRandom.current().nextLong(bound + 1));
    }

    Backoff(Duration first, Duration max, double jitter, LongUnaryOperator random) {
        this.firstMillis = Math.max(1, first.toMillis());
        this.maxMillis = Math.max(firstMillis, max.toMillis());
        this.jitter = jitter;
        this.random = random;
    }

    Duration next() {
        long ceiling = Math.min(maxMillis, firstMillis << Math.min(attempt, 20));
        attempt++;
        long spread = (long) Math.floor(ceiling * jitter);
        return Duration.ofMillis(Math.max(1, ceiling - random.applyAsLong(spread)));
    }

    void reset() {
        attempt = 0;
    }
}
