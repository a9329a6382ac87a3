package io.usersync.app.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.usersync.app.logging.LogFormat;
import io.usersync.app.ownership.ProfileFieldsPolicy;
import io.usersync.capture.DebeziumSettings;
import io.usersync.processor.ProcessorConfig.Guarantee;
import io.usersync.schemas.ErasureBound;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.kafka.KafkaClientSettings;
import io.usersync.sink.SinkConfig.DeleteMode;

/**
 * The whole configuration, typed and validated, loaded by {@link ConfigLoader}: where the servers are, then
 * one group of settings per concern. Each stage's own config is made from it in {@code run.StageConfigs}.
 * Only the servers change after loading (the embedded ones are started where none are given); the groups
 * are shared as they are.
 *
 * @param database  {@code USERSYNC_DB_*}; empty until the embedded PostgreSQL is started
 * @param kafka     {@code KAFKA_*}; without bootstrap servers until the in-process broker is started
 * @param effective each {@link Setting}'s value as loaded, for {@link #describe()}
 */
public record AppConfig(
        Optional<DatabaseSettings> database,
        KafkaClientSettings kafka,
        Http http,
        Instance instance,
        Capture capture,
        Processor processor,
        Sink sink,
        Operations operations,
        Map<Setting, String> effective) {

    /** The stages one process can run. */
    public enum Stage { CAPTURE, PROCESS, SINK }

    /** The ops endpoints: their port, how they face the network, and which tokens {@code /sync} takes. */
    public record Http(int port, OpsHttp surface, Optional<String> jwtSecret, Optional<URI> jwksUrl, String jwtRole) {

        @Override
        public String toString() {
            return "Http[port=" + port + ", surface=" + surface + ", jwtSecret=" + jwtSecret.map(secret -> "****")
                    + ", jwksUrl=" + jwksUrl + ", jwtRole=" + jwtRole + "]";
        }
    }

    /**
     * This process: what it runs, where it keeps its data, the ports of its embedded servers, how it logs, its id
     * ({@code USERSYNC_INSTANCE_ID}; empty until {@code run.InstanceId} takes the one kept in the data directory), and
     * the topics' partitions and erasure bound.
     */
    public record Instance(Path dataDir, Set<Stage> stages, int partitions, int embeddedDbPort, int embeddedKafkaPort,
            LogFormat logFormat, Optional<String> instanceId, ErasureBound erasureBound) {

        public Instance withInstanceId(String id) {
            return new Instance(dataDir, stages, partitions, embeddedDbPort, embeddedKafkaPort, logFormat, Optional.of(id),
                    erasureBound);
        }
    }

    public record Capture(String slotName, String publication, Duration pollInterval, DebeziumSettings debezium) {
    }

    public record Processor(String applicationId, Guarantee guarantee, Duration commitInterval, boolean keepReleasedUsernames) {
    }

    /**
     * @param retryInitial  first wait after a transient database failure; doubles up to {@code retryMax}
     * @param usernameWait  how long a profile refused for a taken username waits for the name to be freed
     * @param profileFields who owns the profile fields of public.users
     */
    public record Sink(String groupId, int batchSize, Duration batchAge, DeleteMode deleteMode, Duration retryInitial,
            Duration retryMax, double retryJitter, Duration usernameWait, ProfileFieldsPolicy profileFields) {
    }

    /**
     * Dead-letter alerts and redrives, and reconciles.
     *
     * @param alertMinDeadLetters  dead letters of one stage and reason a window must hold to be alerted
     * @param alertWebhookAttempts webhook attempts per alert before it is dropped
     * @param maxRedrives          times a dead letter may be redriven
     */
    public record Operations(Optional<URI> alertWebhookUrl, Duration alertWindow, int alertMinDeadLetters,
            int alertWebhookAttempts, int maxRedrives, Duration reconcileInterval, Duration reconcileGrace) {

        @Override
        public String toString() {
            return "Operations[alertWebhookUrl=" + alertWebhookUrl.map(url -> "****") + ", alertWindow=" + alertWindow
                    + ", alertMinDeadLetters=" + alertMinDeadLetters + ", alertWebhookAttempts=" + alertWebhookAttempts
                    + ", maxRedrives=" + maxRedrives + ", reconcileInterval=" + reconcileInterval
                    + ", reconcileGrace=" + reconcileGrace + "]";
        }
    }

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
        capture.debezium().masked().forEach((property, value) ->
                out.append("  ").append(DebeziumSettings.variable(property)).append('=').append(value).append('\n'));
        return out.toString();
    }

    /** Secrets masked, like {@link #describe()}; the raw {@code effective} values are left out. */
    @Override
    public String toString() {
        return "AppConfig[database=" + database + ", kafka=" + kafka + ", http=" + http + ", instance=" + instance
                + ", capture=" + capture + ", processor=" + processor + ", sink=" + sink + ", operations=" + operations + "]";
    }

    /** {@code KAFKA_BOOTSTRAP_SERVERS}; empty for the in-process broker until it is started. */
    public Optional<String> kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** This configuration pointed at the embedded PostgreSQL. */
    public AppConfig withDatabase(DatabaseSettings embedded) {
        return withServers(Optional.of(embedded), kafka);
    }

    /** This configuration pointed at the in-process broker, keeping every other client setting. */
    public AppConfig withKafka(String bootstrapServers) {
        return withServers(database, kafka.withBootstrapServers(bootstrapServers));
    }

    /** This configuration with the instance's id settled. */
    public AppConfig withInstanceId(String id) {
        return new AppConfig(database, kafka, http, instance.withInstanceId(id), capture, processor, sink, operations,
                effective);
    }

    private AppConfig withServers(Optional<DatabaseSettings> database, KafkaClientSettings kafka) {
        return new AppConfig(database, kafka, http, instance, capture, processor, sink, operations, effective);
    }
}
