package io.usersync.app.run;

import java.util.Set;

import io.usersync.app.config.AppConfig;
import io.usersync.capture.CaptureConfig;
import io.usersync.processor.ProcessorConfig;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.sink.SinkConfig;

/** Makes each stage's own configuration out of the application's. */
public final class StageConfigs {

    public static final String CAPTURE_OFFSETS_TOPIC = "usersync.capture.offsets";

    private StageConfigs() {
    }

    /** The topics the stages consume: the processor's change and reservation topics, the sink's profiles. */
    public static Set<String> consumedTopics() {
        return Set.of(TopicNames.CDC, TopicNames.USERNAME_RESERVATIONS, TopicNames.PROFILES);
    }

    /** The database every stage and command uses; the embedded one once it is started. */
    public static DatabaseSettings database(AppConfig config) {
        return config.database().orElseThrow();
    }

    public static CaptureConfig capture(AppConfig config) {
        AppConfig.Capture capture = config.capture();
        return new CaptureConfig(database(config), config.kafka(), TopicNames.CDC, TopicNames.USERNAME_RESERVATIONS,
                config.instance().partitions(), capture.slotName(), capture.publication(),
                new CaptureConfig.OffsetStore.KafkaTopic(CAPTURE_OFFSETS_TOPIC), capture.pollInterval(),
                CaptureConfig.DEFAULT_MAX_BATCH_SIZE, CaptureConfig.DEFAULT_HEARTBEAT_INTERVAL, capture.debezium(),
                TopicNames.DEAD_LETTERS, config.instance().erasureBound());
    }

    public static ProcessorConfig processor(AppConfig config) {
        AppConfig.Processor processor = config.processor();
        return new ProcessorConfig(processor.applicationId(), config.kafka(), TopicNames.CDC,
                TopicNames.USERNAME_RESERVATIONS, TopicNames.PROFILES, TopicNames.EVENTS, TopicNames.DEAD_LETTERS,
                config.instance().partitions(), processor.keepReleasedUsernames(),
                config.instance().dataDir().resolve("streams"), processor.commitInterval(), processor.guarantee(),
                groupInstanceId(config, "processor"), config.instance().erasureBound());
    }

    public static SinkConfig sink(AppConfig config) {
        AppConfig.Sink sink = config.sink();
        return new SinkConfig(database(config), config.kafka(), TopicNames.PROFILES, TopicNames.DEAD_LETTERS,
                sink.groupId(), sink.batchSize(), sink.batchAge(), sink.deleteMode(), 4,
                sink.retryInitial(), sink.retryMax(), sink.retryJitter(), sink.usernameWait(), groupInstanceId(config, "sink"));
    }

    /** A stage's static membership, made of the instance's id; none (dynamic) until {@link InstanceId} settled it. */
    private static String groupInstanceId(AppConfig config, String stage) {
        return config.instance().instanceId().map(id -> id + "-" + stage).orElse(null);
    }
}
