package io.usersync.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.usersync.app.reconcile.Reconciler;
import io.usersync.app.run.StageConfigs;
import io.usersync.capture.CaptureConfig;
import io.usersync.processor.ProcessorConfig;
import io.usersync.sink.SinkConfig;

/** An unset variable gives each stage exactly the default its own config declares. */
class SettingDefaultsTest {

    private static final AppConfig UNSET = ConfigLoader.load(
            Map.of("USERSYNC_DB_URL", "jdbc:postgresql://db:5432/postgres", "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"),
            Map.of());

    @Test
    void shouldGiveCaptureTheDefaultsOfCaptureConfig() {
        CaptureConfig capture = StageConfigs.capture(UNSET);

        assertThat(capture.slotName()).isEqualTo(CaptureConfig.DEFAULT_SLOT);
        assertThat(capture.publicationName()).isEqualTo(CaptureConfig.DEFAULT_PUBLICATION);
        assertThat(capture.pollInterval()).isEqualTo(CaptureConfig.DEFAULT_POLL_INTERVAL);
        assertThat(capture.maxBatchSize()).isEqualTo(CaptureConfig.DEFAULT_MAX_BATCH_SIZE);
        assertThat(capture.heartbeatInterval()).isEqualTo(CaptureConfig.DEFAULT_HEARTBEAT_INTERVAL);
    }

    @Test
    void shouldGiveTheProcessorTheDefaultsOfProcessorConfig() {
        ProcessorConfig processor = StageConfigs.processor(UNSET);

        assertThat(processor.applicationId()).isEqualTo(ProcessorConfig.DEFAULT_APPLICATION_ID);
        assertThat(processor.guarantee()).isEqualTo(ProcessorConfig.DEFAULT_GUARANTEE);
        assertThat(processor.commitInterval()).isEqualTo(ProcessorConfig.DEFAULT_GUARANTEE.defaultCommitInterval());
        assertThat(processor.keepReleasedUsernames()).isEqualTo(ProcessorConfig.DEFAULT_KEEP_RELEASED_USERNAMES);
    }

    @Test
    void shouldGiveTheSinkTheDefaultsOfSinkConfig() {
        SinkConfig sink = StageConfigs.sink(UNSET);

        assertThat(sink.groupId()).isEqualTo(SinkConfig.DEFAULT_GROUP_ID);
        assertThat(sink.batchSize()).isEqualTo(SinkConfig.DEFAULT_BATCH_SIZE);
        assertThat(sink.batchAge()).isEqualTo(SinkConfig.DEFAULT_BATCH_AGE);
        assertThat(sink.deleteMode()).isEqualTo(SinkConfig.DEFAULT_DELETE_MODE);
        assertThat(sink.retryBackoff()).isEqualTo(SinkConfig.DEFAULT_RETRY_BACKOFF);
        assertThat(sink.maxRetryBackoff()).isEqualTo(SinkConfig.DEFAULT_MAX_RETRY_BACKOFF);
        assertThat(sink.retryJitter()).isEqualTo(SinkConfig.DEFAULT_RETRY_JITTER);
    }

    @Test
    void shouldGiveTheReconcileInsideRunTheGraceOfTheReconcileCommand() {
        assertThat(UNSET.operations().reconcileGrace()).isEqualTo(Duration.ofSeconds(Reconciler.DEFAULT_GRACE_SECONDS));
    }

    @Test
    void shouldLeaveUnsetOnlyTheSettingsWithoutDefault() {
        assertThat(UNSET.describe().lines().filter(line -> line.contains("(unset)")))
                .allSatisfy(line -> assertThat(line).containsAnyOf("JWT", "JWKS", "ALERT_WEBHOOK", "INSTANCE_ID"));
    }
}
