package io.usersync.sink.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.usersync.schemas.profile.ProfileHeaders;

class ProfileRecordsTest {

    private static final String USER = "6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11";

    private static ConsumerRecord<String, byte[]> record(String key, String value) {
        return new ConsumerRecord<>("usersync.users.profiles", 0, 3L, key,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static String profile(String provider, String providers) {
        return "{\"id\":\"" + USER + "\",\"username\":\"alice\",\"provider\":" + provider + ",\"providers\":" + providers
                + ",\"source_lsn\":7}";
    }

    private static UnreadableRecordException.Kind refusal(ConsumerRecord<String, byte[]> record) {
        UnreadableRecordException error = catchThrowableOfType(UnreadableRecordException.class, () -> ProfileRecords.parse(record));
        assertThat(error).as("refused").isNotNull();
        return error.kind();
    }

    @Test
    void shouldReadAProfileWithoutAProvider() throws Exception {
        ProfileWrite write = ProfileRecords.parse(record(USER, profile("null", "null")));

        assertThat(write.profile().provider()).isNull();
        assertThat(write.sourceLsn()).isEqualTo(7);
    }

    @Test
    void shouldRefuseARecordWhoseKeyIsNotAUuid() {
        assertThat(refusal(record("alice@example.com", profile("\"email\"", "[\"email\"]"))))
                .isEqualTo(UnreadableRecordException.Kind.KEY_NOT_A_UUID);
        assertThat(refusal(record(null, profile("\"email\"", "[\"email\"]")))).isEqualTo(UnreadableRecordException.Kind.KEY_NOT_A_UUID);
    }

    @Test
    void shouldRefuseATombstoneWithoutAReadableSourceLsn() {
        ConsumerRecord<String, byte[]> garbled = record(USER, null);
        garbled.headers().add(ProfileHeaders.SOURCE_LSN, "soon".getBytes(StandardCharsets.UTF_8));

        assertThat(refusal(record(USER, null))).isEqualTo(UnreadableRecordException.Kind.TOMBSTONE_WITHOUT_LSN);
        assertThat(refusal(garbled)).isEqualTo(UnreadableRecordException.Kind.TOMBSTONE_WITHOUT_LSN);
    }

    @Test
    void shouldDeleteOnATombstoneOnlyUpToTheLsnOfItsHeader() throws Exception {
        ConsumerRecord<String, byte[]> tombstone = record(USER, null);
        tombstone.headers().add(ProfileHeaders.SOURCE_LSN, "42".getBytes(StandardCharsets.UTF_8));

        ProfileWrite write = ProfileRecords.parse(tombstone);

        assertThat(write.isDelete()).isTrue();
        assertThat(write.deleteLsn()).isEqualTo(42);
    }

    @Test
    void shouldRefuseAProfileWithANullAmongItsProviders() {
        assertThat(refusal(record(USER, profile("\"email\"", "[\"email\", null]"))))
                .isEqualTo(UnreadableRecordException.Kind.NOT_A_PROFILE);
    }
}
