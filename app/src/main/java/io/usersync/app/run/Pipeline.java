package io.usersync.app.run;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.usersync.app.config.AppConfig.Stage;
import io.usersync.app.config.AppConfig;
import io.usersync.capture.CaptureStage;
import io.usersync.capture.ReplicationSlotLag;
import io.usersync.processor.StreamProcessorStage;
import io.usersync.sink.SinkHealth;
import io.usersync.sink.SinkStage;

/** The stages this process runs, started downstream first so nothing waits on a stage not yet up. */
public final class Pipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final SinkStage sink;
    private final StreamProcessorStage processor;
    private final CaptureStage capture;

    private Pipeline(SinkStage sink, StreamProcessorStage processor, CaptureStage capture) {
        this.sink = sink;
        this.processor = processor;
        this.capture = capture;
    }

    /** @param database the process's pool, for capture's checks, publication and slot lag */
    public static Pipeline start(AppConfig config, MeterRegistry registry, DataSource database) {
        SinkStage sink = null;
        StreamProcessorStage processor = null;
        CaptureStage capture = null;
        try {
            if (config.instance().stages().contains(Stage.PROCESS)) {
                processor = new StreamProcessorStage(StageConfigs.processor(config), registry);
                processor.start();
            }
            if (config.instance().stages().contains(Stage.SINK)) {
                sink = new SinkStage(StageConfigs.sink(config), registry);
                sink.start();
            }
            if (config.instance().stages().contains(Stage.CAPTURE)) {
                capture = new CaptureStage(StageConfigs.capture(config), database);
                capture.start();
                capture.bindTo(registry);
                new ReplicationSlotLag(database, config.capture().slotName()).bindTo(registry);
            }
        } catch (RuntimeException e) {
            new Pipeline(sink, processor, capture).close();
            throw e;
        }
        log.info("Pipeline running stages {}", config.instance().stages());
        return new Pipeline(sink, processor, capture);
    }

    public List<StageHealth> health() {
        List<StageHealth> health = new ArrayList<>();
        if (capture != null) {
            health.add(captureHealth());
        }
        if (processor != null) {
            KafkaStreams.State state = processor.state();
            boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
            health.add(processor.problem().map(problem -> new StageHealth("process", false, problem))
                    .orElseGet(() -> new StageHealth("process", up, state.name().toLowerCase())));
        }
        if (sink != null) {
            SinkHealth sinkHealth = sink.health();
            health.add(new StageHealth("sink", sinkHealth.up(), sinkHealth.reason()));
        }
        return health;
    }

    /**
     * A standby capture is UP (ready): it is healthy and takes over by itself, and a load balancer in front of /sync
     * (which any instance serves) should keep it. Which instance reads the slot shows in the reason and in
     * {@link CaptureStage#ACTIVE_METER}.
     */
    private StageHealth captureHealth() {
        return switch (capture.role()) {
            case ACTIVE -> capture.isReading() ? new StageHealth("capture", true, "streaming")
                    : new StageHealth("capture", false, capture.isRunning() ? "not reading the database (reconnecting)"
                            : "not running");
            case STANDBY -> new StageHealth("capture", true, "standby");
            case FAILED -> new StageHealth("capture", false, capture.failure().map(e -> "failed: " + e.getClass().getSimpleName())
                    .orElse("failed"));
            case STARTING, STOPPED -> new StageHealth("capture", false, "not running");
        };
    }

    /**
     * Every stage does its work: capture streams, the processor's tasks run (not waiting for its group or restoring
     * state), the sink has its partitions, capture reads the database or stands by. {@link #health()} is more lenient: a
     * rebalancing processor is up.
     */
    public boolean working() {
        return (capture == null || capture.isReading() || capture.role() == CaptureStage.Role.STANDBY)
                && (processor == null || processor.state() == KafkaStreams.State.RUNNING)
                && (sink == null || sink.health().up());
    }

    @Override
    public void close() {
        if (capture != null) {
            capture.close();
        }
        if (processor != null) {
            processor.close();
        }
        if (sink != null) {
            sink.close();
        }
    }
}
