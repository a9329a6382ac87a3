package io.usersync.capture;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.usersync.capture.engine.LoadedRows;

/**
 * How far the initial load of {@code auth.users} (the snapshot a new replication slot starts with) has come: the rows
 * of it Kafka has acknowledged, of how many, at what rate, and the time left. The total is the row count of
 * {@code auth.users} when the load began (rows inserted during it are streamed after it, not counted). A load that
 * starts again after capture's engine stopped or crashed (Debezium's snapshot starts over) counts from zero again.
 *
 * <p>Rows are counted on the engine's thread, and the table's rows as the load begins, on another; {@link #report()}
 * runs every {@link #INTERVAL}: it updates the rate and logs one line while a load runs, and one when it is done.
 * The same figures are gauges ({@code usersync.capture.load.*}).
 */
final class LoadProgress implements LoadedRows, MeterBinder {

    /** How often a running load is reported, and the window of its rate. */
    static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(LoadProgress.class);

    private final Supplier<OptionalLong> rowCount;
    private final Executor counting;
    private final LongSupplier millis;
    private final AtomicLong loaded = new AtomicLong();
    /** Set by the engine's thread when a load begins, ends or is cut short; by the reporter once it said it is done. */
    private final AtomicReference<State> state = new AtomicReference<>(State.IDLE);
    private volatile long startedAtMs;
    private volatile long endedAtMs;
    private volatile long total = -1;
    private volatile double perSecond = Double.NaN;
    /** The count at the previous report and when: the reporter's, reset by the engine's thread as a load begins. */
    private volatile long previousLoaded;
    private volatile long previousAtMs;

    enum State { IDLE, RUNNING, DONE }

    /**
     * @param rowCount the number of rows of {@code auth.users} now; empty when it cannot be read
     * @param counting where {@code rowCount} runs as a load begins, off the engine's thread (a count of a big table
     *                 takes a while)
     * @param millis   the time now, in milliseconds
     */
    LoadProgress(Supplier<OptionalLong> rowCount, Executor counting, LongSupplier millis) {
        this.rowCount = rowCount;
        this.counting = counting;
        this.millis = millis;
    }

    @Override
    public void acknowledged(int rows, boolean last) {
        if (rows == 0 && !last) {
            return;
        }
        if (state.get() != State.RUNNING) {
            loaded.set(0);
            total = -1;
            perSecond = Double.NaN;
            startedAtMs = millis.getAsLong();
            previousLoaded = 0;
            previousAtMs = startedAtMs;
            state.set(State.RUNNING);
            counting.execute(() -> total = rowCount.get().orElse(-1));
        }
        loaded.addAndGet(rows);
        if (last) {
            endedAtMs = millis.getAsLong();
            state.set(State.DONE);
        }
    }

    /**
     * The engine stopped (capture lost its lease, or is closing): a load under way was cut short, and the next engine
     * takes its snapshot again from the start (Debezium's snapshot does not resume), counted as a new load.
     */
    void stopped() {
        if (state.get() == State.RUNNING) {
            log.info("Initial load of auth.users stopped at {} users: capture's engine stopped; the load starts over with"
                    + " the next one", loaded.get());
            perSecond = Double.NaN;
            loaded.set(0);
            state.set(State.IDLE);
        }
    }

    /** The reporter's tick: the rate over the last interval, and a log line. */
    void report() {
        State now = state.get();
        if (now == State.IDLE) {
            return;
        }
        long at = millis.getAsLong();
        long count = loaded.get();
        if (now == State.DONE) {
            double seconds = Math.max(1, endedAtMs - startedAtMs) / 1000.0;
            log.info("Initial load of auth.users done: {} users in {} s ({} users/s); streaming its changes",
                    count, String.format("%.1f", seconds), Math.round(count / seconds));
            perSecond = Double.NaN;
            state.compareAndSet(State.DONE, State.IDLE);
            return;
        }
        if (at > previousAtMs) {
            perSecond = (count - previousLoaded) * 1000.0 / (at - previousAtMs);
        }
        previousLoaded = count;
        previousAtMs = at;
        double left = secondsLeft();
        log.info("Initial load of auth.users: {} of {} users ({}), {} users/s, {}", count,
                total < 0 ? "?" : Long.toString(total), total <= 0 ? "?%" : Math.min(100, count * 100 / total) + "%",
                Math.round(perSecond), Double.isNaN(left) ? "time left unknown" : "about " + Math.round(left) + " s left");
    }

    boolean running() {
        return state.get() == State.RUNNING;
    }

    long loaded() {
        return loaded.get();
    }

    /** The row count of auth.users when the load began; NaN until known. */
    double total() {
        return total < 0 ? Double.NaN : total;
    }

    /** Rows over the last interval; NaN when no load runs or before its first report. */
    double perSecond() {
        return running() ? perSecond : Double.NaN;
    }

    /** At the last interval's rate; NaN when not known. */
    double secondsLeft() {
        double rate = perSecond();
        if (Double.isNaN(rate) || rate <= 0 || total < 0) {
            return Double.NaN;
        }
        return Math.max(0, total - loaded.get()) / rate;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(LoadMeters.RUNNING, this, progress -> progress.running() ? 1 : 0)
                .description("1 while the initial load of auth.users runs").register(registry);
        Gauge.builder(LoadMeters.LOADED, this, LoadProgress::loaded)
                .description("rows of the initial load of auth.users (the last one) that Kafka has acknowledged").register(registry);
        Gauge.builder(LoadMeters.TOTAL, this, LoadProgress::total)
                .description("rows of auth.users when the initial load began").register(registry);
        Gauge.builder(LoadMeters.PER_SECOND, this, LoadProgress::perSecond)
                .description("rate of the initial load over the last " + INTERVAL.toSeconds() + " s").register(registry);
        Gauge.builder(LoadMeters.SECONDS_LEFT, this, LoadProgress::secondsLeft)
                .description("time left of the initial load, at its rate of the last " + INTERVAL.toSeconds() + " s")
                .register(registry);
    }
}
