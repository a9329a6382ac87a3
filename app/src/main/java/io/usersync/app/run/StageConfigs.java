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

    public static DatabaseSettings database(AppConfig config) {
        return new DatabaseSettings(config.dbUrl().orElseThrow(), config.dbUser(), config.dbPassword());
    }

    public static CaptureConfig capture(AppConfig config) {
        return new CaptureConfig(database(config), config.kafka(), TopicNames.CDC,
                TopicNames.USERNAME_RESERVATIONS, config.partitions(), config.slotName(), config.publication(),
                new CaptureConfig.OffsetStore.KafkaTopic(CAPTURE_OFFSETS_TOPIC), config.capturePollInterval(),
                CaptureConfig.DEFAULT_MAX_BATCH_SIZE, CaptureConfig.DEFAULT_HEARTBEAT_INTERVAL, config.captureDebezium());
    }

    public static ProcessorConfig processor(AppConfig config) {
        return new ProcessorConfig(config.processorApplicationId(), config.kafka(),
                TopicNames.CDC, TopicNames.USERNAME_RESERVATIONS, TopicNames.PROFILES, TopicNames.EVENTS,
                TopicNames.DEAD_LETTERS, config.partitions(), config.keepReleasedUsernames(),
                config.dataDir().resolve("streams"), config.processorCommitInterval());
    }

    public static SinkConfig sink(AppConfig config) {
        return new SinkConfig(database(config),
                config.kafka(), TopicNames.PROFILES, TopicNames.DEAD_LETTERS,
                config.sinkGroupId(), config.sinkBatchSize(), config.sinkBatchAge(), config.sinkDeleteMode(), 4,
                SinkConfig.DEFAULT_RETRY_BACKOFF, SinkConfig.DEFAULT_MAX_RETRY_BACKOFF);
    }
}
