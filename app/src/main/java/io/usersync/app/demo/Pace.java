package io.usersync.app.demo;

import java.util.concurrent.TimeUnit;

/** A fixed rate: the i-th action is due {@code i / perSecond} seconds after the first, however long each takes. */
final class Pace {

    private final long start = System.nanoTime();
    private final long interval;

    Pace(int perSecond) {
        this.interval = 1_000_000_000L / perSecond;
    }

    /** Waits until action {@code i} is due; returns at once when it is already late. */
    void awaitTurn(long i) throws InterruptedException {
        long early = start + i * interval - System.nanoTime();
        if (early > 0) {
            TimeUnit.NANOSECONDS.sleep(early);
        }
    }
}
