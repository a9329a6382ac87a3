package io.usersync.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.usersync.app.config.AppConfig.Stage;
import io.usersync.app.logging.LogFormat;
import io.usersync.app.ownership.ProfileFieldsPolicy;
import io.usersync.app.run.StageConfigs;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.database.ProfileTable;
import io.usersync.sink.SinkConfig;
import io.usersync.sink.SinkConfig.DeleteMode;

class ConfigLoaderTest {

    @Test
    void shouldRunEverythingEmbeddedWithDefaultsWhenNothingIsSet() {
        AppConfig config = ConfigLoader.load(Map.of(), Map.of());

        assertThat(config.database()).isEmpty();
        assertThat(config.kafkaBootstrapServers()).isEmpty();
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.instance().stages()).containsExactlyInAnyOrder(Stage.CAPTURE, Stage.PROCESS, Stage.SINK);
        assertThat(config.sink().batchSize()).isEqualTo(500);
        assertThat(config.sink().batchAge()).isEqualTo(Duration.ZERO);
        assertThat(config.instance().partitions()).isEqualTo(1);
        assertThat(config.sink().deleteMode()).isEqualTo(DeleteMode.HARD);
        assertThat(config.http().jwtRole()).isEqualTo("service_role");
    }

    @Test
    void shouldGiveTheTopicsRoomToScaleOutOnASharedCluster() {
        AppConfig config = ConfigLoader.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"), Map.of());

        assertThat(config.instance().partitions()).isEqualTo(6);
        assertThat(config.describe()).contains("USERSYNC_PARTITIONS=6");
    }

    @Test
    void shouldServeHttpOnLoopbackWithTimeoutsAndLimitsAndNoIssuerOrAudienceByDefault() {
        OpsHttp http = ConfigLoader.load(Map.of(), Map.of()).http().surface();

        assertThat(http.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(http.readTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(http.maxConcurrentSyncs()).isEqualTo(4);
        assertThat(http.jwtIssuer()).isEmpty();
        assertThat(http.jwtAudience()).isEmpty();
    }

    @Test
    void shouldReadTheHttpSurfaceSettings() {
        OpsHttp http = ConfigLoader.load(Map.of("USERSYNC_HTTP_BIND", "0.0.0.0", "USERSYNC_HTTP_READ_TIMEOUT_MS", "2500",
                "USERSYNC_HTTP_MAX_CONCURRENT_SYNCS", "2", "USERSYNC_JWT_ISSUER", "https://abc.supabase.co/auth/v1",
                "USERSYNC_JWT_AUDIENCE", "authenticated"), Map.of()).http().surface();

        assertThat(http).isEqualTo(new OpsHttp("0.0.0.0", Duration.ofMillis(2500), 2,
                Optional.of("https://abc.supabase.co/auth/v1"), Optional.of("authenticated")));
    }

    @Test
    void shouldRefuseAnHttpSurfaceWithoutLimits() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("USERSYNC_HTTP_BIND", "http://0.0.0.0",
                "USERSYNC_HTTP_READ_TIMEOUT_MS", "0", "USERSYNC_HTTP_MAX_CONCURRENT_SYNCS", "0"), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(3))
                .hasMessageContaining("USERSYNC_HTTP_BIND must be an address")
                .hasMessageContaining("USERSYNC_HTTP_READ_TIMEOUT_MS must be at least 1 ms")
                .hasMessageContaining("USERSYNC_HTTP_MAX_CONCURRENT_SYNCS must be a whole number from 1");
    }

    @Test
    void shouldRefuseAnInstanceIdKafkaCannotTakeAsAGroupInstanceId() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("USERSYNC_INSTANCE_ID", "host 1/usersync"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("USERSYNC_INSTANCE_ID takes 1 to 200 letters, digits");
    }

    @Test
    void shouldMakeTheProcessorsAndSinksStaticMembershipOfTheConfiguredInstanceId() {
        AppConfig config = ConfigLoader.load(Map.of("USERSYNC_INSTANCE_ID", "host-1"), Map.of());

        assertThat(StageConfigs.processor(config).groupInstanceId()).isEqualTo("host-1-processor");
        assertThat(StageConfigs.sink(config.withDatabase(new DatabaseSettings(
                "jdbc:postgresql://db/postgres", "u", "p"))).groupInstanceId()).isEqualTo("host-1-sink");
    }

    @Test
    void shouldLetAFlagWinOverTheEnvironment() {
        AppConfig config = ConfigLoader.load(Map.of("USERSYNC_HTTP_PORT", "9000", "USERSYNC_STAGES", "sink"),
                Map.of("USERSYNC_HTTP_PORT", "9100"));

        assertThat(config.http().port()).isEqualTo(9100);
        assertThat(config.instance().stages()).containsExactly(Stage.SINK);
    }

    @Test
    void shouldReportEveryInvalidVariableInOneErrorNamingEach() {
        Map<String, String> environment = Map.of(
                "USERSYNC_DB_URL", "postgres://localhost/db",
                "USERSYNC_HTTP_PORT", "eighty",
                "USERSYNC_STAGES", "capture,transform",
                "USERSYNC_JWT_SECRET", "short",
                "USERSYNC_JWKS_URL", "ftp://keys",
                "USERSYNC_SINK_BATCH_SIZE", "0",
                "USERSYNC_SINK_BATCH_AGE_MS", "-5",
                "USERSYNC_SINK_DELETE_MODE", "shred",
                "USERSYNC_SLOT_NAME", "Bad-Slot",
                "USERSYNC_KEEP_RELEASED_USERNAMES", "maybe");

        assertThatThrownBy(() -> ConfigLoader.load(environment, Map.of("USERSYNC_NO_SUCH_THING", "1")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(11))
                .hasMessageContaining("USERSYNC_DB_URL must be a PostgreSQL JDBC URL")
                .hasMessageContaining("USERSYNC_HTTP_PORT must be a port")
                .hasMessageContaining("USERSYNC_STAGES takes capture, process and sink")
                .hasMessageContaining("USERSYNC_JWT_SECRET must be at least 32 characters")
                .hasMessageContaining("USERSYNC_JWKS_URL must be an http(s) URL")
                .hasMessageContaining("USERSYNC_SINK_BATCH_SIZE must be a whole number from 1")
                .hasMessageContaining("USERSYNC_SINK_BATCH_AGE_MS must be a number of milliseconds")
                .hasMessageContaining("USERSYNC_SINK_DELETE_MODE must be hard or soft")
                .hasMessageContaining("USERSYNC_SLOT_NAME must be a lower-case PostgreSQL identifier")
                .hasMessageContaining("USERSYNC_KEEP_RELEASED_USERNAMES must be true or false")
                .hasMessageContaining("USERSYNC_NO_SUCH_THING is not a usersync setting");
    }

    @Test
    void shouldLetUsersEditTheirProfileFieldsUnlessTheConfigurationGivesThemToAuthUsers() {
        assertThat(ConfigLoader.load(Map.of(), Map.of()).sink().profileFields()).isEqualTo(ProfileFieldsPolicy.EDITABLE);
        assertThat(ConfigLoader.load(Map.of("USERSYNC_PROFILE_FIELDS", "from-auth"), Map.of()).sink().profileFields())
                .isEqualTo(ProfileFieldsPolicy.FROM_AUTH);
    }

    @Test
    void shouldRefuseAnUnknownProfileFieldsPolicyNamingTheVariableAndTheChoices() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("USERSYNC_PROFILE_FIELDS", "users"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("USERSYNC_PROFILE_FIELDS must be editable or from-auth; got 'users'");
    }

    @Test
    void shouldKeepProfilesInPublicUsersUnlessTheAppsOwnTableIsNamed() {
        assertThat(ConfigLoader.load(Map.of("USERSYNC_DB_URL", "jdbc:postgresql://localhost:5432/postgres"), Map.of())
                .database().orElseThrow().profileTable()).isEqualTo(ProfileTable.DEFAULT);
        assertThat(ConfigLoader.load(Map.of("USERSYNC_DB_URL", "jdbc:postgresql://localhost:5432/postgres",
                "USERSYNC_TABLE", "public.profiles"), Map.of()).database().orElseThrow().profileTable())
                .isEqualTo(new ProfileTable("public", "profiles"));
    }

    @Test
    void shouldRefuseATableNameThatIsNotAPlainSchemaAndTable() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("USERSYNC_DB_URL", "jdbc:postgresql://localhost:5432/postgres",
                "USERSYNC_TABLE", "public.users; drop table auth.users"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("USERSYNC_TABLE must be schema.table in lower-case letters");
    }

    @Test
    void shouldRefuseAnAppsOwnTableInTheEmbeddedDatabase() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("USERSYNC_TABLE", "public.profiles"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("USERSYNC_TABLE=public.profiles needs USERSYNC_DB_URL");
    }

    @Test
    void shouldNotRepeatTheSecretValueInAnError() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("USERSYNC_JWT_SECRET", "tooshortsecret"), Map.of()))
                .hasMessageNotContaining("tooshortsecret");
    }

    @Test
    void shouldMaskAPasswordInAWrongDatabaseUrl() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("USERSYNC_DB_URL", "postgres://db/postgres?password=pw-in-url"),
                Map.of()))
                .hasMessageContaining("USERSYNC_DB_URL")
                .hasMessageNotContaining("pw-in-url");
    }

    @Test
    void shouldMaskSecretsInTheEffectiveConfiguration() {
        AppConfig config = ConfigLoader.load(Map.of(
                "USERSYNC_DB_URL", "jdbc:postgresql://db:5432/postgres?sslmode=require&password=url-password-7",
                "USERSYNC_DB_PASSWORD", "hunter2-db-password",
                "USERSYNC_JWT_SECRET", "super-secret-jwt-token-with-at-least-32-characters"), Map.of());

        assertThat(config.describe())
                .contains("USERSYNC_DB_PASSWORD=****")
                .contains("USERSYNC_JWT_SECRET=****")
                .doesNotContain("hunter2-db-password")
                .doesNotContain("url-password-7")
                .contains("sslmode=require&password=****")
                .doesNotContain("super-secret-jwt-token")
                .contains("USERSYNC_HTTP_PORT=8080");
    }

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"usersync\" password=\"jaas-password-42\";";

    @Test
    void shouldPassEveryKafkaVariableThroughAsAClientProperty() {
        AppConfig config = ConfigLoader.load(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", JAAS,
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/usersync/truststore.jks",
                "KAFKA_COMPRESSION_TYPE", "lz4",
                "PATH", "/usr/bin"), Map.of());

        assertThat(config.kafka().properties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "bootstrap.servers", "broker:9093",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", JAAS,
                "ssl.truststore.location", "/etc/usersync/truststore.jks",
                "compression.type", "lz4"));
        assertThat(config.kafkaBootstrapServers()).contains("broker:9093");
    }

    @Test
    void shouldAcceptAKafkaVariableGivenAsAFlagOverTheEnvironment() {
        AppConfig config = ConfigLoader.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9093", "KAFKA_CLIENT_RACK", "a"),
                Map.of("KAFKA_CLIENT_RACK", "b"));

        assertThat(config.kafka().properties()).containsEntry("client.rack", "b");
    }

    @Test
    void shouldNotMistakeAKafkaVariableForAUsersyncSetting() {
        AppConfig config = ConfigLoader.load(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "KAFKA_SINK_GROUP_ID", "not-the-sink-group",
                "KAFKA_HTTP_PORT", "9999"), Map.of());

        assertThat(config.sink().groupId()).isEqualTo("usersync-sink");
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.kafka().properties()).containsEntry("sink.group.id", "not-the-sink-group")
                .containsEntry("http.port", "9999");
    }

    @Test
    void shouldRefuseKafkaVariablesThatWouldOverrideTheDeliveryGuarantees() {
        Map<String, String> environment = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "KAFKA_ENABLE_IDEMPOTENCE", "false",
                "KAFKA_ACKS", "1",
                "KAFKA_ISOLATION_LEVEL", "read_uncommitted",
                "KAFKA_ENABLE_AUTO_COMMIT", "true",
                "KAFKA_PROCESSING_GUARANTEE", "at_least_once",
                "KAFKA_GROUP_ID", "other");

        assertThatThrownBy(() -> ConfigLoader.load(environment, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(6))
                .hasMessageContaining("KAFKA_ENABLE_IDEMPOTENCE cannot be set")
                .hasMessageContaining("KAFKA_ACKS cannot be set")
                .hasMessageContaining("KAFKA_ISOLATION_LEVEL cannot be set")
                .hasMessageContaining("KAFKA_ENABLE_AUTO_COMMIT cannot be set")
                .hasMessageContaining("KAFKA_PROCESSING_GUARANTEE cannot be set")
                .hasMessageContaining("KAFKA_GROUP_ID cannot be set");
    }

    @Test
    void shouldStopOnAMisspelledSecurityProtocolNamingTheVariable() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SLL", "KAFKA_LINGER_MS", "soon"), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(2))
                .hasMessageContaining("KAFKA_SECURITY_PROTOCOL is not a valid security.protocol")
                .hasMessageContaining("SASL_SSL")
                .hasMessageContaining("KAFKA_LINGER_MS is not a valid linger.ms");
    }

    @Test
    void shouldStopOnAMalformedJaasConfigWithoutRepeatingIt() {
        String malformed = "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"jaas-password-42\"";

        assertThatThrownBy(() -> ConfigLoader.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "KAFKA_SASL_JAAS_CONFIG", malformed), Map.of()))
                .hasMessageContaining("KAFKA_SASL_JAAS_CONFIG is not a valid sasl.jaas.config")
                .hasMessageNotContaining("jaas-password-42");
    }

    @Test
    void shouldRefuseASecurityProtocolForTheInProcessBroker() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL"), Map.of()))
                .hasMessageContaining("KAFKA_SECURITY_PROTOCOL=SASL_SSL needs KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void shouldMaskTheJaasPasswordInTheEffectiveConfiguration() {
        AppConfig config = ConfigLoader.load(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_JAAS_CONFIG", JAAS,
                "KAFKA_SSL_KEYSTORE_PASSWORD", "keystore-password-9"), Map.of());

        assertThat(config.describe())
                .contains("KAFKA_BOOTSTRAP_SERVERS=broker:9093")
                .contains("KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT")
                .contains("KAFKA_SASL_JAAS_CONFIG=****")
                .contains("KAFKA_SSL_KEYSTORE_PASSWORD=****")
                .doesNotContain("jaas-password-42")
                .doesNotContain("keystore-password-9");
    }

    @Test
    void shouldPassEveryDebeziumVariableToCapturesConnector() {
        AppConfig config = ConfigLoader.load(Map.of(
                "USERSYNC_DB_URL", "jdbc:postgresql://db:5432/postgres",
                "USERSYNC_CAPTURE_DEBEZIUM_SNAPSHOT_FETCH_SIZE", "20000",
                "USERSYNC_CAPTURE_DEBEZIUM_SLOT_MAX__RETRIES", "9",
                "USERSYNC_CAPTURE_POLL_INTERVAL_MS", "25"), Map.of());

        Map<String, String> expected = Map.of("snapshot.fetch.size", "20000", "slot.max_retries", "9");
        assertThat(config.capture().debezium().properties()).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(StageConfigs.capture(config).debezium().properties()).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(config.describe()).contains("USERSYNC_CAPTURE_DEBEZIUM_SNAPSHOT_FETCH_SIZE=20000")
                .contains("USERSYNC_CAPTURE_DEBEZIUM_SLOT_MAX__RETRIES=9");
    }

    @Test
    void shouldAcceptADebeziumVariableGivenAsAFlagOverTheEnvironment() {
        AppConfig config = ConfigLoader.load(Map.of("USERSYNC_CAPTURE_DEBEZIUM_HEARTBEAT_INTERVAL_MS", "5000"),
                Map.of("USERSYNC_CAPTURE_DEBEZIUM_HEARTBEAT_INTERVAL_MS", "1000"));

        assertThat(config.capture().debezium().properties()).containsExactly(Map.entry("heartbeat.interval.ms", "1000"));
    }

    @Test
    void shouldRefuseDebeziumVariablesThePipelineDependsOnNamingEachAndWhy() {
        Map<String, String> environment = Map.of(
                "USERSYNC_CAPTURE_DEBEZIUM_SLOT_NAME", "other",
                "USERSYNC_CAPTURE_DEBEZIUM_COLUMN_INCLUDE_LIST", "auth\\.users\\..*",
                "USERSYNC_CAPTURE_DEBEZIUM_VALUE_CONVERTER_SCHEMAS_ENABLE", "true",
                "USERSYNC_CAPTURE_DEBEZIUM_OFFSET_STORAGE_TOPIC", "elsewhere",
                "USERSYNC_CAPTURE_DEBEZIUM_SNAPSHOT_FETCH_SIZE", "20000");

        assertThatThrownBy(() -> ConfigLoader.load(environment, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(4))
                .hasMessageContaining("USERSYNC_CAPTURE_DEBEZIUM_SLOT_NAME cannot be set")
                .hasMessageContaining("USERSYNC_SLOT_NAME")
                .hasMessageContaining("USERSYNC_CAPTURE_DEBEZIUM_COLUMN_INCLUDE_LIST cannot be set")
                .hasMessageContaining("password hashes")
                .hasMessageContaining("USERSYNC_CAPTURE_DEBEZIUM_VALUE_CONVERTER_SCHEMAS_ENABLE cannot be set")
                .hasMessageContaining("USERSYNC_CAPTURE_DEBEZIUM_OFFSET_STORAGE_TOPIC cannot be set")
                .hasMessageNotContaining("SNAPSHOT_FETCH_SIZE");
    }

    @Test
    void shouldMaskDebeziumSecretsInTheEffectiveConfiguration() {
        AppConfig config = ConfigLoader.load(Map.of(
                "USERSYNC_CAPTURE_DEBEZIUM_DATABASE_SSLPASSWORD", "ssl-password-5",
                "USERSYNC_CAPTURE_DEBEZIUM_DATABASE_SSLKEY", "/etc/usersync/client-key.pk8",
                "USERSYNC_CAPTURE_DEBEZIUM_SNAPSHOT_FETCH_SIZE", "20000"), Map.of());

        assertThat(config.describe())
                .contains("USERSYNC_CAPTURE_DEBEZIUM_DATABASE_SSLPASSWORD=****")
                .contains("USERSYNC_CAPTURE_DEBEZIUM_DATABASE_SSLKEY=****")
                .contains("USERSYNC_CAPTURE_DEBEZIUM_SNAPSHOT_FETCH_SIZE=20000")
                .doesNotContain("ssl-password-5")
                .doesNotContain("client-key.pk8");
    }

    @Test
    void shouldStopStartUpOnAnUnknownLogFormatNamingTheVariableAndTheFix() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("USERSYNC_LOG_FORMAT", "xml"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("USERSYNC_LOG_FORMAT must be plain or json; got 'xml'")
                .hasMessageContaining("Fix:");
    }

    @Test
    void shouldHoldADeletedUsersDataInTheTopicsADayUnlessTheBoundIsSet() {
        assertThat(ConfigLoader.load(Map.of(), Map.of()).instance().erasureBound().bound()).isEqualTo(Duration.ofHours(24));
        AppConfig config = ConfigLoader.load(Map.of("USERSYNC_ERASURE_BOUND", "90m",
                "USERSYNC_DB_URL", "jdbc:postgresql://db:5432/postgres"), Map.of());
        assertThat(StageConfigs.processor(config).erasureBound().bound()).isEqualTo(Duration.ofMinutes(90));
        assertThat(StageConfigs.capture(config).erasureBound().bound()).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void shouldStopStartUpOnAnErasureBoundItCannotHoldNamingTheVariableAndTheFix() {
        for (String value : List.of("5s", "40d", "a day")) {
            assertThatThrownBy(() -> ConfigLoader.load(Map.of("USERSYNC_ERASURE_BOUND", value), Map.of()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("USERSYNC_ERASURE_BOUND must be a duration from 10s to 30 days, like 24h or 90m;"
                            + " got '" + value + "'")
                    .hasMessageContaining("Fix:");
        }
    }

    @Test
    void shouldLogPlainTextUnlessJsonIsAsked() {
        assertThat(ConfigLoader.load(Map.of(), Map.of()).instance().logFormat()).isEqualTo(LogFormat.PLAIN);
        assertThat(ConfigLoader.load(Map.of("USERSYNC_LOG_FORMAT", "JSON"), Map.of()).instance().logFormat())
                .isEqualTo(LogFormat.JSON);
    }

    @Test
    void shouldGiveTheSinkTheConfiguredBackoff() {
        SinkConfig sink = StageConfigs.sink(ConfigLoader.load(Map.of("USERSYNC_SINK_RETRY_INITIAL_MS", "250",
                "USERSYNC_SINK_RETRY_MAX_MS", "30000", "USERSYNC_SINK_RETRY_JITTER", "0.2"), Map.of())
                .withDatabase(new DatabaseSettings("jdbc:postgresql://db:5432/postgres", "postgres", "")));

        assertThat(sink.retryBackoff()).isEqualTo(Duration.ofMillis(250));
        assertThat(sink.maxRetryBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(sink.retryJitter()).isEqualTo(0.2);
    }

    @Test
    void shouldReportEveryInvalidRetrySettingAtOnce() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("USERSYNC_SINK_RETRY_INITIAL_MS", "0",
                "USERSYNC_SINK_RETRY_JITTER", "1.5", "USERSYNC_ALERT_MIN_DEAD_LETTERS", "0",
                "USERSYNC_ALERT_WEBHOOK_ATTEMPTS", "many", "USERSYNC_DLT_MAX_REDRIVES", "-1"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(5))
                .hasMessageContaining("USERSYNC_SINK_RETRY_INITIAL_MS must be at least 1 ms")
                .hasMessageContaining("USERSYNC_SINK_RETRY_JITTER must be a number from 0 to 1, like 0.5; got '1.5'")
                .hasMessageContaining("USERSYNC_ALERT_MIN_DEAD_LETTERS must be a whole number from 1")
                .hasMessageContaining("USERSYNC_ALERT_WEBHOOK_ATTEMPTS must be a whole number from 1")
                .hasMessageContaining("USERSYNC_DLT_MAX_REDRIVES must be a whole number from 1");
    }

    @Test
    void shouldRefuseAMaximumBackoffBelowTheFirst() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("USERSYNC_SINK_RETRY_INITIAL_MS", "2000",
                "USERSYNC_SINK_RETRY_MAX_MS", "1000"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("USERSYNC_SINK_RETRY_MAX_MS must be at least USERSYNC_SINK_RETRY_INITIAL_MS (2000 ms)");
    }

    @Test
    void shouldReadTheAlertAndRedriveSettings() {
        AppConfig.Operations operations = ConfigLoader.load(Map.of("USERSYNC_ALERT_MIN_DEAD_LETTERS", "10",
                "USERSYNC_ALERT_WEBHOOK_ATTEMPTS", "2", "USERSYNC_DLT_MAX_REDRIVES", "5"), Map.of()).operations();

        assertThat(operations.alertMinDeadLetters()).isEqualTo(10);
        assertThat(operations.alertWebhookAttempts()).isEqualTo(2);
        assertThat(operations.maxRedrives()).isEqualTo(5);
    }
}
