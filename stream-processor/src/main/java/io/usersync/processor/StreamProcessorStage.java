package io.usersync.processor;

import java.time.Duration;
import java.util.Properties;

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
import io.usersync.processor.topology.ProcessorMetrics;
import io.usersync.processor.topology.UserSyncTopology;

/** The stream-processor stage: its topics, the topology, and the Kafka Streams lifecycle. */
public final class StreamProcessorStage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamProcessorStage.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** Off-heap memory of all state stores together: block cache, memtables, indexes and filters. */
    private static final long STATE_STORE_MEMORY = 32L * 1024 * 1024;

    private final ProcessorConfig config;
    private final MeterRegistry registry;
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private RocksDbMemory storeMemory;

    public StreamProcessorStage(ProcessorConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    public synchronized void start() {
        StreamProcessorTopics.ensure(config);
        ProcessorMetrics metrics = new ProcessorMetrics(registry);
        Topology topology = UserSyncTopology.build(config, metrics);
        log.info("Stream processor topology:\n{}", topology.describe());
        if (config.stateDirectory() != null
                && GlobalStoreLeftByACrash.removeAndMarkRunning(config.stateDirectory(), config.applicationId())) {
            log.warn("The previous run did not stop cleanly and left the global store of existing usernames open;"
                    + " removed it, Kafka Streams reads it back from {}", config.profilesTopic());
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

    public synchronized KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    @Override
    public synchronized void close() {
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
