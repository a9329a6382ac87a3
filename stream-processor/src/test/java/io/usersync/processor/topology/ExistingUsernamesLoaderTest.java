package io.usersync.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import io.usersync.schemas.profile.UserProfile;

/** The global store of existing profiles reads the profiles topic, which anyone with access can write to. */
class ExistingUsernamesLoaderTest {

    private static final String ADA = "6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11";
    private static final String BOB = "0b7e3c52-8d1a-4f59-a7a4-1e2f3a4b5c6d";

    @Test
    void shouldSkipAndCountAnUnreadableProfilesRecordAndKeepLoadingTheOnesAfterIt() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            TestInputTopic<String, byte[]> raw = fixture.driver.createInputTopic(fixture.config.profilesTopic(),
                    Serdes.String().serializer(), Serdes.ByteArray().serializer());

            raw.pipeInput(BOB, "{\"id\": not json".getBytes(StandardCharsets.UTF_8));
            raw.pipeInput(null, "{}".getBytes(StandardCharsets.UTF_8));
            fixture.existingProfiles.pipeInput(ADA, profile(ADA, "ada"));

            KeyValueStore<String, String> store = fixture.driver.getKeyValueStore(UserSyncTopology.EXISTING_USERNAMES_STORE);
            assertThat(store.get(ADA)).isEqualTo("ada");
            assertThat(store.get(BOB)).isNull();
            assertThat(fixture.registry.get("usersync.processor.existing.profiles.unreadable").counter().count()).isEqualTo(2);
        }
    }

    @Test
    void shouldForgetAProfileOnItsTombstone() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            fixture.existingProfiles.pipeInput(ADA, profile(ADA, "ada"));
            fixture.existingProfiles.pipeInput(ADA, (UserProfile) null);

            KeyValueStore<String, String> store = fixture.driver.getKeyValueStore(UserSyncTopology.EXISTING_USERNAMES_STORE);
            assertThat(store.get(ADA)).isNull();
        }
    }

    @Test
    void shouldReadTheUsernameWhereverItIsAndSkipNestedValues() {
        byte[] value = "{\"providers\":[\"a\",{\"username\":\"nested\"}],\"meta\":{\"username\":\"deeper\"},\"username\":\"ada\"}"
                .getBytes(StandardCharsets.UTF_8);

        assertThat(ExistingUsernamesLoader.username(value)).isEqualTo("ada");
    }

    @Test
    void shouldRejectAValueWithoutAUsernameWithoutQuotingIt() {
        assertThatThrownBy(() -> ExistingUsernamesLoader.username("{\"username\":null,\"email\":\"ada@example.com\"}"
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(SerializationException.class).hasMessage("no username");
        assertThatThrownBy(() -> ExistingUsernamesLoader.username("[\"ada@example.com\"]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessage("not a JSON object");
        assertThatThrownBy(() -> ExistingUsernamesLoader.username("{\"email\":\"ada@exam".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageStartingWith("not JSON at line 1")
                .hasMessageNotContaining("ada");
    }

    private static UserProfile profile(String id, String username) {
        return new UserProfile(id, username + "@example.com", username, "Some Person", null, "email", List.of("email"),
                true, false, null, null, null, 10, 1L, false);
    }
}
