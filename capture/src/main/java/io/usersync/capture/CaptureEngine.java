package io.usersync.capture;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.usersync.capture.engine.DebeziumProperties;
import io.usersync.capture.engine.KafkaChangePublisher;
import io.usersync.capture.engine.LoadedRows;

/**
 * One run of the embedded Debezium engine, from the committed offsets until {@link #close()}: a capture that loses its
 * lease and takes it again later runs a new one. The engine reports failure only through its completion callback,
 * passed on at once.
 */
final class CaptureEngine implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Logger log = LoggerFactory.getLogger(CaptureEngine.class);

    private final KafkaChangePublisher publisher;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "usersync-capture"));
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final Consumer<Throwable> onFailure;
    private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;

    private CaptureEngine(CaptureConfig config, LoadedRows loadedRows, Consumer<Throwable> onFailure) {
        this.onFailure = onFailure;
        this.publisher = KafkaChangePublisher.create(config, loadedRows);
        this.engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
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
    }

    /**
     * Starts the engine and returns once its task runs.
     *
     * @param loadedRows told of the rows of the initial load of auth.users as Kafka acknowledges them
     * @param onFailure  told, on the engine's thread, when the engine stops on its own with an error
     * @throws IllegalStateException when the engine fails while starting
     */
    static CaptureEngine start(CaptureConfig config, LoadedRows loadedRows, Consumer<Throwable> onFailure) {
        CaptureEngine engine = new CaptureEngine(config, loadedRows, onFailure);
        engine.thread.execute(engine.engine);
        try {
            engine.started.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return engine;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            engine.close();
            throw new IllegalStateException("interrupted while starting capture", e);
        } catch (ExecutionException e) {
            engine.close();
            throw new IllegalStateException("capture engine failed to start: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            engine.close();
            throw new IllegalStateException("capture engine did not start within " + START_TIMEOUT, e);
        }
    }

    boolean isRunning() {
        return !thread.isTerminated();
    }

    /** Stops the engine, which flushes its offsets, then the producer. */
    @Override
    public void close() {
        try {
            engine.close();
        } catch (IOException e) {
            log.warn("Debezium engine did not close cleanly", e);
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
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
        started.completeExceptionally(cause);
        log.error("Capture engine failed: {}", message, error);
        onFailure.accept(cause);
    }
}
