package io.usersync.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DebeziumSettingsTest {

    @ParameterizedTest
    @CsvSource({
            "USERSYNC_CAPTURE_DEBEZIUM_SNAPSHOT_FETCH_SIZE, snapshot.fetch.size",
            "USERSYNC_CAPTURE_DEBEZIUM_HEARTBEAT_INTERVAL_MS, heartbeat.interval.ms",
            "USERSYNC_CAPTURE_DEBEZIUM_DATABASE_SSLROOTCERT, database.sslrootcert",
            "USERSYNC_CAPTURE_DEBEZIUM_SLOT_MAX__RETRIES, slot.max_retries",
            "USERSYNC_CAPTURE_DEBEZIUM_A__B___C, a_b_.c"})
    void shouldMapAVariableToItsPropertyTheWayDebeziumServerDoes(String variable, String property) {
        assertThat(DebeziumSettings.property(variable)).isEqualTo(property);
    }

    @ParameterizedTest
    @ValueSource(strings = {"snapshot.fetch.size", "slot.max_retries", "database.sslrootcert", "a_b_.c"})
    void shouldNameTheVariableThatSetsAProperty(String property) {
        assertThat(DebeziumSettings.property(DebeziumSettings.variable(property))).isEqualTo(property);
    }

    @Test
    void shouldTellItsVariablesFromOtherSettings() {
        assertThat(DebeziumSettings.isVariable("USERSYNC_CAPTURE_DEBEZIUM_SNAPSHOT_FETCH_SIZE")).isTrue();
        assertThat(DebeziumSettings.isVariable("USERSYNC_CAPTURE_DEBEZIUM_")).isFalse();
        assertThat(DebeziumSettings.isVariable("USERSYNC_CAPTURE_POLL_INTERVAL_MS")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"slot.name", "publication.name", "publication.autocreate.mode", "table.include.list",
            "column.include.list", "column.exclude.list", "message.prefix.include.list", "converter.schemas.enable",
            "value.converter.schemas.enable", "key.converter", "offset.storage", "offset.storage.topic",
            "tombstones.on.delete", "signal.enabled.channels", "signal.data.collection", "database.password",
            "database.hostname", "topic.prefix", "transforms", "transforms.route.type", "poll.interval.ms"})
    void shouldRefuseEveryPropertyThePipelineDependsOn(String property) {
        assertThat(DebeziumSettings.refusal(property)).isPresent();
        assertThatThrownBy(() -> new DebeziumSettings(Map.of(property, "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(DebeziumSettings.variable(property) + " cannot be set: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"snapshot.fetch.size", "heartbeat.interval.ms", "max.batch.size", "incremental.snapshot.chunk.size",
            "database.sslrootcert", "status.update.interval.ms", "slot.max.retries", "snapshot.mode"})
    void shouldPassTuningThrough(String property) {
        assertThat(DebeziumSettings.refusal(property)).isEmpty();
        assertThat(new DebeziumSettings(Map.of(property, "1")).properties()).containsEntry(property, "1");
    }

    @Test
    void shouldMaskSecretsWhenLoggedAndKeepTheRest() {
        DebeziumSettings settings = new DebeziumSettings(Map.of("database.sslpassword", "ssl-pass-1",
                "database.sslkey", "/etc/key.pem", "some.api.secret", "s3cr3t", "snapshot.fetch.size", "20000"));

        assertThat(settings.masked()).containsEntry("database.sslpassword", "****")
                .containsEntry("database.sslkey", "****")
                .containsEntry("some.api.secret", "****")
                .containsEntry("snapshot.fetch.size", "20000");
        assertThat(settings.toString()).doesNotContain("ssl-pass-1", "/etc/key.pem", "s3cr3t").contains("20000");
    }
}
