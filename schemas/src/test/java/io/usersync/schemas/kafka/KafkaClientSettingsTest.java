package io.usersync.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class KafkaClientSettingsTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"usersync\" password=\"s3cr3t-pw\";";

    @Test
    void shouldTurnAVariableIntoAPropertyByStrippingThePrefixLowerCasingAndDotting() {
        assertThat(KafkaClientSettings.property("KAFKA_SECURITY_PROTOCOL")).isEqualTo("security.protocol");
        assertThat(KafkaClientSettings.property("KAFKA_SASL_JAAS_CONFIG")).isEqualTo("sasl.jaas.config");
        assertThat(KafkaClientSettings.property("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo("bootstrap.servers");
        assertThat(KafkaClientSettings.variable("ssl.truststore.location")).isEqualTo("KAFKA_SSL_TRUSTSTORE_LOCATION");
    }

    @Test
    void shouldTreatOnlyKafkaPrefixedNamesAsClientVariables() {
        assertThat(KafkaClientSettings.isClientVariable("KAFKA_COMPRESSION_TYPE")).isTrue();
        assertThat(KafkaClientSettings.isClientVariable("USERSYNC_SINK_GROUP_ID")).isFalse();
        assertThat(KafkaClientSettings.isClientVariable("USERSYNC_KAFKA_THING")).isFalse();
        assertThat(KafkaClientSettings.isClientVariable("KAFKA_")).isFalse();
    }

    @Test
    void shouldLetAPassedSettingOverrideAStagesTuning() {
        KafkaClientSettings kafka = new KafkaClientSettings(Map.of("bootstrap.servers", "broker:9092",
                "linger.ms", "20", "security.protocol", "SASL_SSL"));

        Map<String, Object> client = kafka.clientProperties(Map.of("linger.ms", 1, "client.id", "usersync-capture"));

        assertThat(client).containsEntry("linger.ms", "20").containsEntry("client.id", "usersync-capture")
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("bootstrap.servers", "broker:9092");
    }

    @Test
    void shouldRefuseADeliveryCriticalSettingSoTheStagesValueAlwaysHolds() {
        for (String owned : KafkaClientSettings.PIPELINE_OWNED) {
            assertThatThrownBy(() -> new KafkaClientSettings(Map.of("bootstrap.servers", "b:9092", owned, "x")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(KafkaClientSettings.variable(owned));
        }
    }

    @Test
    void shouldMaskSecretsWhenPrintedAndInText() {
        KafkaClientSettings kafka = new KafkaClientSettings(Map.of("bootstrap.servers", "broker:9092",
                "sasl.jaas.config", JAAS, "ssl.key.password", "key-pw", "ssl.truststore.location", "/etc/ts.jks"));

        assertThat(kafka.toString()).doesNotContain("s3cr3t-pw").doesNotContain("key-pw").contains("/etc/ts.jks");
        assertThat(kafka.masked()).containsEntry("sasl.jaas.config", "****").containsEntry("ssl.key.password", "****");
        assertThat(kafka.mask("bad config: " + JAAS + " and password=\"other\"")).doesNotContain("s3cr3t-pw")
                .doesNotContain("other");
    }
}
