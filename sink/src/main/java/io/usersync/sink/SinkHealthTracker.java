package io.usersync.sink;

import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's health as the ops endpoint reads it, and why the sink stopped if it did. Written by the
 * consumer thread, read by any; logs a change between writing and not writing once, not on every retry.
 */
final class SinkHealthTracker {

    private static final Logger log = LoggerFactory.getLogger(SinkHealthTracker.class);

    private final AtomicReference<SinkHealth> health = new AtomicReference<>(SinkHealth.STARTING);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    SinkHealth current() {
        return health.get();
    }

    Throwable failure() {
        return failure.get();
    }

    boolean isUp() {
        return health.get().up();
    }

    boolean isStarting() {
        return health.get() == SinkHealth.STARTING;
    }

    /** Positioned on its partitions: ready to write. */
    void up() {
        health.set(SinkHealth.UP);
    }

    /** A write went through after the database was unavailable, or the first one did. */
    void writing() {
        if (!isUp()) {
            log.info("Sink writing again");
        }
        health.set(SinkHealth.UP);
    }

    /** A write failed transiently; consumption pauses until it goes through. */
    void paused(String reason) {
        if (isUp() || isStarting()) {
            log.warn("Sink paused: {}", reason);
        }
        health.set(SinkHealth.down(reason));
    }

    /** The idle check found the database unavailable. */
    void unavailableWhileIdle(String description) {
        if (isUp()) {
            log.warn("Sink idle and the database is unavailable: {}", description);
        }
        health.set(SinkHealth.down("database unavailable: " + description));
    }

    void down(String reason) {
        health.set(SinkHealth.down(reason));
    }

    /** The consumer thread ended on an error: the sink writes no more until it is started again. */
    void stopped(Throwable error) {
        failure.set(error);
        health.set(SinkHealth.down("stopped: " + error.getClass().getSimpleName()));
        log.error("Sink stopped", error);
    }
}
