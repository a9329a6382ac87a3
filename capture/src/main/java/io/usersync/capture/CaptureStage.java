package io.usersync.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.usersync.capture.engine.DebeziumProperties;
import io.usersync.capture.engine.Publication;
import io.usersync.capture.lease.SlotLease;
import io.usersync.capture.preflight.Preflight;

/**
 * The capture stage: checks its preconditions, takes the slot's lease ({@link SlotLease}), then runs the embedded
 * Debezium engine, which takes an initial snapshot of {@code auth.users} and then streams its changes to the CDC topic.
 * When another capture holds the lease this one stands by, tries for the lease every {@link #LEASE_POLL}, and starts
 * the engine from the committed offsets once it has it. An active capture whose lease session ends (PostgreSQL
 * restarted, say) stops the engine at once, so two captures never read the slot, and stands by until it holds the
 * lease again. Failure of the engine is reported through {@link #failure()}, and gives the lease up for a standby.
 */
public final class CaptureStage implements AutoCloseable, MeterBinder {

    /** 1 while this instance reads the slot, 0 while it stands by or is stopped. */
    public static final String ACTIVE_METER = "usersync.capture.active";
    static final Duration LEASE_POLL = Duration.ofMillis(500);
    /** Longer than PostgreSQL's default wal_sender_timeout (60 s), after which a vanished reader's walsender ends. */
    private static final Duration SLOT_RELEASE_TIMEOUT = Duration.ofMinutes(2);
    private static final Logger log = LoggerFactory.getLogger(CaptureStage.class);

    /** Where the stage is in its life. */
    public enum Role { STARTING, STANDBY, ACTIVE, FAILED, STOPPED }

    private final CaptureConfig config;
    private final DataSource database;
    private final SlotLease lease;
    /** Every use of the lease after start runs on this thread. */
    private final ScheduledExecutorService leaseThread = Executors.newSingleThreadScheduledExecutor(
            runnable -> new Thread(runnable, "usersync-capture-lease"));
    /** Reports the initial load's progress, apart from the lease's thread: its total is a count of auth.users. */
    private final ScheduledExecutorService loadReports = Executors.newSingleThreadScheduledExecutor(
            runnable -> new Thread(runnable, "usersync-capture-load"));
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final DebeziumActivity activity;
    private final LoadProgress load;
    private volatile Role role = Role.STARTING;
    /** A standby logs once that PostgreSQL is unreachable, not at every try. Lease thread only. */
    private boolean unreachable;
    private volatile CaptureEngine engine;

    /**
     * @param database ordinary connections to {@code config.database()}, as its user: for the checks and the
     *                 publication (Debezium opens its replication connection itself, the lease one of its own)
     */
    public CaptureStage(CaptureConfig config, DataSource database) {
        this.config = config;
        this.database = database;
        // DebeziumProperties names the connector's topic prefix, and with it its metrics, after the slot.
        this.activity = new DebeziumActivity(config.slotName());
        this.lease = new SlotLease(config.database(), config.slotName());
        this.load = new LoadProgress(this::authUsersRowCount, loadReports, System::currentTimeMillis);
    }

    /**
     * Checks the preconditions, then starts capturing and returns once the engine's task runs; or, when another
     * capture holds the slot's lease, returns at once as a standby.
     *
     * @throws io.usersync.capture.preflight.CaptureStartupException when a precondition does not hold
     * @throws IllegalStateException when the engine fails while starting
     */
    public synchronized void start() {
        new Preflight(config, database).check();
        CaptureTopic.ensureExists(config);
        boolean leased;
        try {
            leased = lease.tryAcquire();
            if (!leased) {
                OptionalInt holder = lease.holder();
                log.info("Capture standing by: another capture holds the lease on slot {} (backend pid {}); trying every {} ms",
                        config.slotName(), holder.isPresent() ? holder.getAsInt() : "gone", LEASE_POLL.toMillis());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take the lease on replication slot " + config.slotName() + ": "
                    + e.getMessage(), e);
        }
        if (leased) {
            activate();
        } else {
            role = Role.STANDBY;
        }
        leaseThread.scheduleWithFixedDelay(this::tick, LEASE_POLL.toMillis(), LEASE_POLL.toMillis(), TimeUnit.MILLISECONDS);
        long every = LoadProgress.INTERVAL.toMillis();
        loadReports.scheduleWithFixedDelay(load::report, every, every, TimeUnit.MILLISECONDS);
    }

    /** The rows of auth.users now, for the initial load's total; empty, and said, when they cannot be counted. */
    private OptionalLong authUsersRowCount() {
        try (Connection connection = database.getConnection();
                PreparedStatement count = connection.prepareStatement("select count(id) from " + DebeziumProperties.CAPTURED_TABLE);
                ResultSet rs = count.executeQuery()) {
            return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
        } catch (SQLException e) {
            log.info("Cannot count the rows of {} for the initial load's progress ({}): its total stays unknown",
                    DebeziumProperties.CAPTURED_TABLE, e.getSQLState());
            return OptionalLong.empty();
        }
    }

    /**
     * A slot that is missing though capture streamed from this database before (its heartbeat is there) was dropped, or
     * lost with a failover, while capture was down: the changes since capture stopped went with it. Debezium then finds
     * its position gone and takes a new snapshot (snapshot mode {@code when_needed}); say why, and what it cannot bring.
     */
    private void warnIfTheSlotIsGone() {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement("select not exists (select from pg_replication_slots"
                        + " where slot_name = ?) and exists (select from " + DebeziumProperties.HEARTBEAT_TABLE + ")")) {
            statement.setString(1, config.slotName());
            try (ResultSet rs = statement.executeQuery()) {
                if (rs.next() && rs.getBoolean(1)) {
                    log.warn("Replication slot '{}' is gone, though capture streamed from this database before: it was dropped,"
                            + " or lost with a failover, while capture was down, and the changes of auth.users since then went"
                            + " with it. Capture creates the slot again and takes a new snapshot of auth.users. Users deleted"
                            + " meanwhile keep their row in public.users until 'usersync reconcile --repair' removes it.",
                            config.slotName());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the replication slots: " + e.getMessage(), e);
        }
    }

    /** Creates the publication, or sets its tables: Preflight checked that this user may. */
    private void keepPublication() {
        try (Connection connection = database.getConnection()) {
            Publication.ensure(connection, config.publicationName());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create or update publication " + config.publicationName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Why the engine stopped on its own, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    public Role role() {
        return failure.get() != null ? Role.FAILED : role;
    }

    /** Reads the slot and streams: the active capture. */
    public boolean isRunning() {
        CaptureEngine running = engine;
        return role() == Role.ACTIVE && running != null && running.isRunning();
    }

    /** Running, and reading the database: not while Debezium waits to reconnect after it lost PostgreSQL. */
    public boolean isReading() {
        return isRunning() && activity.readingTheDatabase();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(ACTIVE_METER, this, stage -> stage.isRunning() ? 1 : 0)
                .strongReference(true)
                .tag("slot", config.slotName())
                .description("1 while this capture reads the replication slot, 0 while it stands by or is stopped")
                .register(registry);
        load.bindTo(registry);
    }

    /** Stops the engine, which flushes its offsets, then the producer, and gives the lease up. Safe to call more than once. */
    @Override
    public void close() {
        loadReports.shutdownNow();
        leaseThread.shutdownNow();
        try {
            if (!leaseThread.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("Capture's lease thread still running 30 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            role = Role.STOPPED;
            stopEngine();
            lease.close();
        }
    }

    /** Every {@link #LEASE_POLL} on the lease thread: a standby tries for the lease, an active capture checks it. */
    private void tick() {
        Role now = role();
        if (now == Role.STANDBY) {
            tryTakeOver();
        } else if (now == Role.ACTIVE && !lease.stillHeld() && !leaseThread.isShutdown()) {
            // The session that held the lease ended (PostgreSQL restarted, the network was cut, the session was
            // terminated): the lease may be another capture's already, so stop reading now, then stand by for it.
            log.warn("Capture lost its lease on slot {} (its database session ended): stopping the engine, so that it never"
                    + " reads beside another capture; standing by until it holds the lease again", config.slotName());
            synchronized (this) {
                stopEngine();
                lease.close();
                role = Role.STANDBY;
            }
        }
    }

    private void tryTakeOver() {
        boolean acquired;
        try {
            acquired = lease.tryAcquire();
        } catch (SQLException e) {
            if (!unreachable) {
                log.warn("Capture standby cannot reach PostgreSQL to try the lease on slot {}, trying on: {}", config.slotName(),
                        e.getMessage());
            }
            unreachable = true;
            return;
        }
        unreachable = false;
        if (!acquired) {
            return;
        }
        long took = System.nanoTime();
        log.info("Capture took the lease on slot {}: taking over from the committed offsets", config.slotName());
        try {
            synchronized (this) {
                activate();
            }
            log.info("Capture took over slot {}: streaming {} ms after it took the lease", config.slotName(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - took));
        } catch (RuntimeException e) {
            log.error("Capture could not take over slot {}", config.slotName(), e);
            failure.compareAndSet(null, e);
        }
    }

    /**
     * With the lease held: keeps the publication (only the lease holder changes it, so captures starting together do
     * not race to create it), waits for the slot's previous reader to be gone, then starts the engine.
     */
    private void activate() {
        try {
            keepPublication();
            lease.awaitSlotReleased(SLOT_RELEASE_TIMEOUT, LEASE_POLL);
            warnIfTheSlotIsGone();
            engine = CaptureEngine.start(config, load, this::onEngineFailure);
        } catch (RuntimeException e) {
            stopEngine();
            lease.close();
            throw e;
        }
        role = Role.ACTIVE;
        log.info("Capture started: slot {}, publication {}, topic {}", config.slotName(), config.publicationName(), config.topic());
    }

    private void stopEngine() {
        if (engine != null) {
            engine.close();
            engine = null;
            load.stopped();
        }
    }

    /** The engine stopped on its own: this capture is DOWN and gives the lease up, so a standby may take over. */
    private void onEngineFailure(Throwable cause) {
        failure.compareAndSet(null, cause);
        // The lease is used on its own thread only; once that is shut down, close() ends it.
        try {
            leaseThread.execute(lease::close);
        } catch (RejectedExecutionException stopping) {
            log.debug("Capture is closing; close() gives the lease up");
        }
    }
}
