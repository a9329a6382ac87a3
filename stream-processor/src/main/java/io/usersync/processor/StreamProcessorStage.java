package io.usersync.processor;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.usersync.processor.deadletter.DeadLetterCounter;
import io.usersync.processor.store.GlobalStoreLeftByACrash;
import io.usersync.processor.store.RocksDbMemory;
import io.usersync.processor.store.StoreCompaction;
import io.usersync.processor.topology.ProcessorMetrics;
import io.usersync.processor.topology.UserSyncTopology;

/** The stream-processor stage: its topics, the topology, and the Kafka Streams lifecycle. */
public final class StreamProcessorStage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamProcessorStage.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** Off-heap memory of all state stores together: block cache, memtables, indexes and filters. */
    private static final long STATE_STORE_MEMORY = 32L * 1024 * 1024;

    /** How often a stage whose state directory cannot be written tries again. */
    private static final Duration STATE_DIRECTORY_RETRY = Duration.ofSeconds(2);

    private final ProcessorConfig config;
    private final MeterRegistry registry;
    private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(
            runnable -> new Thread(runnable, "usersync-processor-start"));
    private ProcessorMetrics metrics;
    private Topology topology;
    private String problem;
    private boolean stopping;
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private RocksDbMemory storeMemory;
    private UsernameTopicsPurge purge;
    private IdleSegmentRoller roller;
    private StoreCompaction compaction;

    public StreamProcessorStage(ProcessorConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    public synchronized void start() {
        StreamProcessorTopics.ensure(config);
        purge = new UsernameTopicsPurge(config);
        roller = new IdleSegmentRoller(config.kafka(), StreamProcessorTopics.rolledWhenQuiet(config),
                config.erasureBound().bound().dividedBy(8), Clock.systemUTC());
        roller.start();
        metrics = new ProcessorMetrics(registry);
        compaction = new StoreCompaction(config.erasureBound().bound().dividedBy(8));
        topology = UserSyncTopology.build(config, metrics, compaction::persistentKeyValueStore);
        log.info("Stream processor topology:\n{}", topology.describe());
        startStreams();
    }

    /**
     * Starts Kafka Streams once the state directory can be written. While it cannot (permissions, a disk gone read-only
     * or full), the stage reports why through {@link #problem()} and tries again, and the process's other stages go on.
     */
    private synchronized void startStreams() {
        if (stopping) {
            return;
        }
        if (config.stateDirectory() != null && !stateDirectoryReady()) {
            retry.schedule(this::startStreamsAgain, STATE_DIRECTORY_RETRY.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        if (config.stateDirectory() != null && GlobalStoreLeftByACrash.removeIfOfAnotherStore(config.stateDirectory(),
                config.applicationId(), UserSyncTopology.EXISTING_USERNAMES_STORE)) {
            log.info("The global store of an earlier release removed; Kafka Streams reads the usernames of {} into its"
                    + " successor", config.profilesTopic());
        }
        storeMemory = new RocksDbMemory(STATE_STORE_MEMORY);
        Properties properties = config.streamsProperties();
        properties.put(RocksDbMemory.CONFIG, storeMemory);
        properties.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, RocksDbMemory.Setter.class);
        properties.put(DeadLetterCounter.CONFIG, (DeadLetterCounter) metrics::deadLetter);
        streams = new KafkaStreams(topology, properties);
        streams.setUncaughtExceptionHandler(error -> {
            // Bad input never gets here (it goes to the dead-letter topic): this is a bug or a broken
            // cluster, and processing on would hide it.
            log.error("Stream processor failed; stopping it", error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        streams.start();
        log.info("Stream processor {} started on {}", config.applicationId(), config.cdcTopic());
    }

    /** On the retry thread, where nobody else would see an error: the stage reports it and stays down. */
    private synchronized void startStreamsAgain() {
        try {
            startStreams();
        } catch (RuntimeException e) {
            log.error("Stream processor failed to start", e);
            problem = "failed to start: " + e.getClass().getSimpleName();
        }
    }

    /** Prepares the state directory (GlobalStoreLeftByACrash writes its marker there); says once when it cannot. */
    private boolean stateDirectoryReady() {
        try {
            if (GlobalStoreLeftByACrash.removeAndMarkRunning(config.stateDirectory(), config.applicationId(),
                    config.guarantee() == ProcessorConfig.Guarantee.EXACTLY_ONCE)) {
                log.warn("The previous run did not stop cleanly and left the global store of existing usernames open;"
                        + " removed it, Kafka Streams reads it back from {}", config.profilesTopic());
            }
        } catch (UncheckedIOException e) {
            if (problem == null) {
                log.error("Stream processor cannot write its state directory {} ({}): it reports DOWN and tries again every {}"
                        + " s. Fix: make the directory writable (its permissions, a disk gone read-only or full).",
                        config.stateDirectory(), e.getCause(), STATE_DIRECTORY_RETRY.toSeconds());
            }
            problem = "state directory not writable: " + e.getCause().getClass().getSimpleName();
            return false;
        }
        if (problem != null) {
            log.info("Stream processor's state directory {} is writable again; starting", config.stateDirectory());
            problem = null;
        }
        return true;
    }

    /** Why the stage cannot run although it was started, if so. */
    public synchronized Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    public synchronized KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    @Override
    public synchronized void close() {
        stopping = true;
        retry.shutdownNow();
        if (purge != null) {
            purge.close();
        }
        if (roller != null) {
            roller.close();
        }
        if (compaction != null) {
            compaction.close();
        }
        if (streams == null) {
            return;
        }
        // Leave the group so the remaining instances take over at once, not after the session timeout.
        boolean closed = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
        streamsMetrics.close();
        if (closed) {
            // Only once no store uses it any more; after a timed-out close the process is ending anyway.
            storeMemory.close();
            if (config.stateDirectory() != null) {
                GlobalStoreLeftByACrash.stoppedCleanly(config.stateDirectory(), config.applicationId());
            }
        } else {
            log.warn("Stream processor still closing after {}", CLOSE_TIMEOUT);
        }
        streams = null;
    }
}
