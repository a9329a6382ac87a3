package io.usersync.app.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.usersync.capture.CaptureConfig;
import io.usersync.capture.DebeziumSettings;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.kafka.KafkaClientSettings;
import io.usersync.sink.SinkConfig.DeleteMode;

/**
 * The whole configuration, typed and validated, loaded by {@link ConfigLoader}. Each stage's own config
 * is made from it in {@code run.StageConfigs}.
 */
public record AppConfig(
        Optional<String> dbUrl,
        String dbUser,
        String dbPassword,
        KafkaClientSettings kafka,
        int httpPort,
        Optional<String> jwtSecret,
        Optional<URI> jwksUrl,
        String jwtRole,
        OpsHttp opsHttp,
        Path dataDir,
        Set<Stage> stages,
        int partitions,
        String slotName,
        String publication,
        Duration capturePollInterval,
        DebeziumSettings captureDebezium,
        String processorApplicationId,
        Duration processorCommitInterval,
        boolean keepReleasedUsernames,
        String sinkGroupId,
        int sinkBatchSize,
        Duration sinkBatchAge,
        DeleteMode sinkDeleteMode,
        Optional<URI> alertWebhookUrl,
        Duration alertWindow,
        Duration reconcileInterval,
        Duration reconcileGrace,
        int embeddedDbPort,
        int embeddedKafkaPort,
        Map<Setting, String> effective) {

    /** The stages one process can run. */
    public enum Stage { CAPTURE, PROCESS, SINK }

    /** The effective configuration, one variable a line, secrets masked: safe to log. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Setting setting : Setting.values()) {
            String value = effective.get(setting);
            String shown = value == null ? "(unset)" : setting.secret() && !value.isEmpty() ? "****"
                    : setting == Setting.DB_URL ? DatabaseSettings.masked(value) : value;
            out.append("  ").append(setting.variable()).append('=').append(shown).append('\n');
        }
        kafka.masked().forEach((property, value) -> {
            if (!property.equals(KafkaClientSettings.BOOTSTRAP_SERVERS)) {
                out.append("  ").append(KafkaClientSettings.variable(property)).append('=').append(value).append('\n');
            }
        });
        captureDebezium.masked().forEach((property, value) ->
                out.append("  ").append(DebeziumSettings.variable(property)).append('=').append(value).append('\n'));
        return out.toString();
    }

    /** {@code KAFKA_BOOTSTRAP_SERVERS}; empty for the in-process broker until it is started. */
    public Optional<String> kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    public AppConfig withDatabase(String url, String user, String password) {
        return new AppConfig(Optional.of(url), user, password, kafka, httpPort, jwtSecret, jwksUrl,
                jwtRole, opsHttp, dataDir, stages, partitions, slotName, publication, capturePollInterval, captureDebezium,
                processorApplicationId, processorCommitInterval, keepReleasedUsernames, sinkGroupId, sinkBatchSize, sinkBatchAge, sinkDeleteMode,
                alertWebhookUrl, alertWindow, reconcileInterval, reconcileGrace, embeddedDbPort, embeddedKafkaPort, effective);
    }

    public AppConfig withKafka(String bootstrapServers) {
        return new AppConfig(dbUrl, dbUser, dbPassword, kafka.withBootstrapServers(bootstrapServers), httpPort, jwtSecret, jwksUrl,
                jwtRole, opsHttp, dataDir, stages, partitions, slotName, publication, capturePollInterval, captureDebezium,
                processorApplicationId, processorCommitInterval, keepReleasedUsernames, sinkGroupId, sinkBatchSize, sinkBatchAge, sinkDeleteMode,
                alertWebhookUrl, alertWindow, reconcileInterval, reconcileGrace, embeddedDbPort, embeddedKafkaPort, effective);
    }
}
