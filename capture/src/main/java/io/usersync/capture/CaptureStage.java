package io.usersync.capture;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import io.usersync.capture.engine.DebeziumProperties;
import io.usersync.capture.engine.KafkaChangePublisher;
import io.usersync.capture.engine.Publication;
import io.usersync.capture.preflight.Preflight;

/**
 * The capture stage: checks its preconditions, then runs the embedded Debezium engine, which takes an
 * initial snapshot of {@code auth.users} and then streams its changes to the CDC topic.
 * Failure of the engine is reported at once through {@link #failure()} and to the listener.
 */
public final class CaptureStage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CaptureStage.class);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private final CaptureConfig config;
    private final DataSource database;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "usersync-capture"));
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final DebeziumActivity activity;
    private KafkaChangePublisher publisher;
    private DebeziumEngine<ChangeEvent<String, String>> engine;

    /**
     * @param database ordinary connections to {@code config.database()}, as its user: for the checks and the
     *                 publication (Debezium opens its replication connection itself)
     */
    public CaptureStage(CaptureConfig config, DataSource database) {
        this.config = config;
        this.database = database;
        // DebeziumProperties names the connector's topic prefix, and with it its metrics, after the slot.
        this.activity = new DebeziumActivity(config.slotName());
    }

    /**
     * Starts capturing and returns once the engine's task runs.
     *
     * @throws io.usersync.capture.preflight.CaptureStartupException when a precondition does not hold
     * @throws IllegalStateException when the engine fails while starting
     */
    public synchronized void start() {
        new Preflight(config, database).check();
        warnIfTheSlotIsGone();
        keepPublication();
        CaptureTopic.ensureExists(config);
        publisher = KafkaChangePublisher.create(config);
        engine = DebeziumEngine.create(Json.class)
                .using(DebeziumProperties.of(config))
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        started.complete(null);
                    }
                })
                .using(this::onCompletion)
                .notifying(publisher)
                .build();
        executor.execute(engine);
        awaitStarted();
        log.info("Capture started: slot {}, publication {}, topic {}", config.slotName(), config.publicationName(), config.topic());
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

    public boolean isRunning() {
        return started.isDone() && !started.isCompletedExceptionally() && failure.get() == null && !executor.isTerminated();
    }

    /** Running, and reading the database: not while Debezium waits to reconnect after it lost PostgreSQL. */
    public boolean isReading() {
        return isRunning() && activity.readingTheDatabase();
    }

    /** Stops the engine, which flushes its offsets, then the producer. Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (engine == null) {
            return;
        }
        try {
            engine.close();
        } catch (IOException e) {
            log.warn("Debezium engine did not close cleanly", e);
        } finally {
            engine = null;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("Debezium engine still running 30 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
    }

    private void onCompletion(boolean success, String message, Throwable error) {
        if (success) {
            log.info("Capture engine stopped: {}", message);
            started.complete(null);
            return;
        }
        Throwable cause = error != null ? error : new IllegalStateException(message);
        failure.set(cause);
        started.completeExceptionally(cause);
        log.error("Capture engine failed: {}", message, error);
    }

    private void awaitStarted() {
        try {
            started.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting capture", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("capture engine failed to start: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("capture engine did not start within " + START_TIMEOUT, e);
        }
    }
}
