package io.usersync.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

import io.usersync.schemas.cdc.AuthUserRow;
import io.usersync.schemas.profile.UserProfile;

class UserStateSerdeTest {

    private static final String TOPIC = "usersync-processor-user-state-changelog";
    private static final String ID = "6d2c1a40-9f7e-4b1a-8c3d-5e6f7a8b9c0d";
    private static final AuthUserRow ADA = new AuthUserRow(ID, "Ada@Example.com", null,
            "{\"provider\": \"email\", \"providers\": [\"email\"]}", "{\"full_name\": \"Ada Lovelace\"}", null, null,
            null, "2026-11-01T10:00:00Z", "2026-11-01T10:00:00Z", null, false, null);
    private static final UserProfile ADA_PROFILE = new UserProfile(ID, "ada@example.com", "ada", "Ada Lovelace", null,
            "email", List.of("email"), false, false, "2026-11-01T10:00:00Z", "2026-11-01T10:00:00Z", null,
            4200, 1_793_000_000_000L, true);

    private final Serializer<UserState> serializer = new UserStateSerde().serializer();
    private final Deserializer<UserState> deserializer = new UserStateSerde().deserializer();

    /** As the JSON serde of earlier releases stored a published user: the profile a resync, the state not. */
    @Test
    void shouldReadAPublishedUserStoredAsJsonByEarlierReleases() {
        String stored = """
                {"lsn":4200,"tsMs":1793000000000,"row":{"id":"6d2c1a40-9f7e-4b1a-8c3d-5e6f7a8b9c0d",\
                "email":"Ada@Example.com","raw_app_meta_data":"{\\"provider\\": \\"email\\", \\"providers\\": \
                [\\"email\\"]}","raw_user_meta_data":"{\\"full_name\\": \\"Ada Lovelace\\"}",\
                "created_at":"2026-11-01T10:00:00Z","updated_at":"2026-11-01T10:00:00Z","is_anonymous":false},\
                "username":"ada","pending":false,"profile":{"id":"6d2c1a40-9f7e-4b1a-8c3d-5e6f7a8b9c0d",\
                "email":"ada@example.com","username":"ada","full_name":"Ada Lovelace","avatar_url":null,\
                "provider":"email","providers":["email"],"email_verified":false,"is_anonymous":false,\
                "created_at":"2026-11-01T10:00:00Z","updated_at":"2026-11-01T10:00:00Z","last_sign_in_at":null,\
                "source_lsn":4200,"source_ts_ms":1793000000000,"resync":true},"deleted":false,"resync":false}""";

        assertThat(read(stored)).isEqualTo(new UserState(4200, 1_793_000_000_000L, ADA, "ada", false, ADA_PROFILE, false,
                false, false, SentOutputs.NOTHING));
    }

    @Test
    void shouldReadAReservedUsernameStoredAsJsonByEarlierReleases() {
        String stored = """
                {"lsn":-9223372036854775808,"tsMs":0,"row":null,"username":"ada2","pending":false,"profile":null,\
                "deleted":false,"resync":false}""";

        assertThat(read(stored)).isEqualTo(UserState.reserved("ada2"));
    }

    @Test
    void shouldReadAPendingUserStoredAsJsonByEarlierReleases() {
        String stored = """
                {"lsn":4300,"tsMs":1793000000001,"row":{"id":"6d2c1a40-9f7e-4b1a-8c3d-5e6f7a8b9c0d",\
                "email":"Ada@Example.com","raw_app_meta_data":"{\\"provider\\": \\"email\\", \\"providers\\": \
                [\\"email\\"]}","raw_user_meta_data":"{\\"full_name\\": \\"Ada Lovelace\\"}",\
                "created_at":"2026-11-01T10:00:00Z","updated_at":"2026-11-01T10:00:00Z","is_anonymous":false},\
                "username":null,"pending":true,"profile":null,"deleted":false,"resync":true}""";

        assertThat(read(stored)).isEqualTo(UserState.awaitingUsername(4300, 1_793_000_000_001L, ADA, true, false));
    }

    @Test
    void shouldReadADeletedUserStoredAsJsonByEarlierReleases() {
        String stored = """
                {"lsn":4400,"tsMs":1793000000002,"row":null,"username":null,"pending":false,"profile":null,\
                "deleted":true,"resync":false}""";

        assertThat(read(stored)).isEqualTo(UserState.deleted(4400, 1_793_000_000_002L, null, SentOutputs.NOTHING));
    }

    @Test
    void shouldReadWhatTheJsonSerdeWritesForATypicalGoogleSignUp() {
        UserState state = UserStates.googleSignUp();
        byte[] json = new JsonSerde<>(UserState.class).serializer().serialize(TOPIC, state);

        assertThat(json[0]).isEqualTo((byte) '{');
        assertThat(deserializer.deserialize(TOPIC, json)).isEqualTo(state);
    }

    @Test
    void shouldReadVersionOneAsHavingSentItsProfileAndNoEvent() {
        UserState state = UserStates.googleSignUp();
        byte[] version2 = serializer.serialize(TOPIC, state);
        // Version 1 is version 2 without the sent outputs last: here one byte.
        byte[] version1 = Arrays.copyOf(version2, version2.length - 1);
        version1[0] = UserStateSerde.VERSION_1;

        assertThat(deserializer.deserialize(TOPIC, version1)).isEqualTo(new UserState(state.lsn(), state.tsMs(),
                state.row(), state.username(), false, state.profile(), false, false, false, new SentOutputs(true, null, List.of())));
    }

    @Test
    void shouldWriteTheVersionFirst() {
        assertThat(serializer.serialize(TOPIC, UserState.reserved("ada"))[0]).isEqualTo((byte) UserStateSerde.VERSION_2);
    }

    @Test
    void shouldWriteATypicalGoogleSignUpInAtMostSixtyPercentOfItsJsonBytes() {
        UserState state = UserStates.googleSignUp();
        int json = new JsonSerde<>(UserState.class).serializer().serialize(TOPIC, state).length;

        byte[] bytes = serializer.serialize(TOPIC, state);

        assertThat(bytes.length).isLessThanOrEqualTo(json * 6 / 10);
        assertThat(deserializer.deserialize(TOPIC, bytes)).isEqualTo(state);
    }

    @Test
    void shouldKeepAStringWithAnUnpairedSurrogate() {
        UserState state = UserState.reserved("ada\uD800\uD83D\uDE00x\uDC00");

        assertThat(deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, state))).isEqualTo(state);
    }

    @Test
    void shouldPassNullThroughAsNull() {
        assertThat(serializer.serialize(TOPIC, null)).isNull();
        assertThat(deserializer.deserialize(TOPIC, null)).isNull();
    }

    @Test
    void shouldRejectNoBytes() {
        assertCorrupt(new byte[0], "cannot read UserState from " + TOPIC + ": no bytes");
    }

    @Test
    void shouldRejectAnUnknownFormatVersion() {
        byte[] bytes = serializer.serialize(TOPIC, UserStates.googleSignUp());
        bytes[0] = 3;

        assertCorrupt(bytes, "cannot read UserState from " + TOPIC + ": unknown format version 3");
    }

    @Test
    void shouldRejectAStateCutShortWithoutQuotingIt() {
        byte[] bytes = serializer.serialize(TOPIC, UserStates.googleSignUp());

        assertCorrupt(Arrays.copyOf(bytes, bytes.length - 1), "cannot read UserState from " + TOPIC
                + " (format version 2): truncated at byte " + (bytes.length - 1) + " of " + (bytes.length - 1));
    }

    @Test
    void shouldRejectAStringLongerThanTheBytesLeft() {
        // Version, no flags, lsn 0, tsMs 0, a username said to be 100 UTF-8 bytes long, then only 3 bytes.
        byte[] bytes = {UserStateSerde.VERSION_1, 0, 0, 0, 103, 'a', 'd', 'a'};

        assertCorrupt(bytes, "cannot read UserState from " + TOPIC
                + " (format version 1): string of 100 bytes at byte 5 exceeds the 3 bytes left");
    }

    @Test
    void shouldRejectUnknownFlags() {
        byte[] bytes = serializer.serialize(TOPIC, UserStates.googleSignUp());
        bytes[1] |= (byte) 0x80;

        assertCorrupt(bytes, "cannot read UserState from " + TOPIC + " (format version 2): unknown state flags "
                + (bytes[1] & 0xFF));
    }

    @Test
    void shouldRejectCorruptJsonWithoutQuotingIt() {
        byte[] json = new JsonSerde<>(UserState.class).serializer().serialize(TOPIC, UserStates.googleSignUp());
        byte[] corrupt = Arrays.copyOf(json, json.length / 2);

        SerializationException e = assertCorrupt(corrupt, "cannot read UserState from " + TOPIC + ": ");
        assertThat(e.getCause()).isNull();
    }

    private UserState read(String json) {
        return deserializer.deserialize(TOPIC, json.getBytes(StandardCharsets.UTF_8));
    }

    /** The message starts as expected and holds none of the state's personal data. */
    private SerializationException assertCorrupt(byte[] bytes, String messageStart) {
        Throwable thrown = catchThrowable(() -> deserializer.deserialize(TOPIC, bytes));
        assertThat(thrown).isInstanceOf(SerializationException.class).hasMessageStartingWith(messageStart);
        assertThat(thrown.getMessage()).doesNotContainIgnoringCase(UserStates.EMAIL).doesNotContain(UserStates.USERNAME)
                .doesNotContain("James").doesNotContain("google");
        return (SerializationException) thrown;
    }
}
