package io.usersync.processor;

import java.time.Duration;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.usersync.processor.topology.ProcessorMetrics;
import io.usersync.processor.topology.UserSyncTopology;

/** The stream-processor stage: its topics, the topology, and the Kafka Streams lifecycle. */
public final class StreamProcessorStage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamProcessorStage.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final ProcessorConfig config;
    private final MeterRegistry registry;
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;

    public StreamProcessorStage(ProcessorConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    public synchronized void start() {
        StreamProcessorTopics.ensure(config);
        Topology topology = UserSyncTopology.build(config, new ProcessorMetrics(registry));
        log.info("Stream processor topology:\n{}", topology.describe());
        streams = new KafkaStreams(topology, config.streamsProperties());
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
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
        streamsMetrics.close();
        streams = null;
    }
}
