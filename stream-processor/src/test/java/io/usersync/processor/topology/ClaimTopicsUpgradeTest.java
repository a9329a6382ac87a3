package io.usersync.processor.topology;

import static io.usersync.processor.topology.ChangeEvents.nextLsn;
import static io.usersync.processor.topology.ChangeEvents.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.usersync.schemas.profile.UserProfile;

/**
 * Records an earlier release left on the claims and assignments topics, byte for byte as it wrote them, are
 * decided and applied by this one after an upgrade.
 */
class ClaimTopicsUpgradeTest {

    private static final String EMAIL_APP = "{\"provider\":\"email\",\"providers\":[\"email\"]}";

    private final TopologyFixture fixture = new TopologyFixture();
    private final TestInputTopic<String, byte[]> claims = fixture.driver.createInputTopic(fixture.config.claimsTopic(),
            Serdes.String().serializer(), Serdes.ByteArray().serializer());
    private final TestInputTopic<String, byte[]> assignments = fixture.driver.createInputTopic(
            fixture.config.assignmentsTopic(), Serdes.String().serializer(), Serdes.ByteArray().serializer());

    @AfterEach
    void close() {
        fixture.close();
    }

    private String signUp(String email) {
        String id = UUID.randomUUID().toString();
        fixture.send(id, row(id).email(email).userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));
        return id;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldDecideAClaimLeftOnTheClaimsTopic() {
        String id = UUID.randomUUID().toString();
        claims.pipeInput("alice", bytes("{\"type\":\"claim\",\"userId\":\"" + id + "\",\"base\":\"alice\",\"username\":null}"));

        fixture.send(id, row(id).email("someone@example.com").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));

        assertThat(fixture.readProfiles()).extracting(UserProfile::username).containsExactly("alice");
        assertThat(fixture.usernames().get("alice")).isEqualTo(id);
    }

    @Test
    void shouldApplyAReleaseLeftOnTheClaimsTopic() {
        String first = signUp("alice@example.com");
        claims.pipeInput("alice", bytes("{\"type\":\"release\",\"userId\":\"" + first + "\",\"base\":null,\"username\":\"alice\"}"));

        signUp("alice@example.org");

        assertThat(fixture.readProfiles()).extracting(UserProfile::username).containsExactly("alice", "alice");
    }

    @Test
    void shouldApplyAReservationLeftOnTheClaimsTopic() {
        String owner = UUID.randomUUID().toString();
        claims.pipeInput("carol", bytes("{\"type\":\"reserve\",\"userId\":\"" + owner + "\",\"base\":null,\"username\":\"carol\"}"));

        signUp("carol@example.com");

        assertThat(fixture.readProfiles()).extracting(UserProfile::username).containsExactly("carol2");
    }

    @Test
    void shouldGiveAUserTheUsernameOfAnAssignmentLeftAsPlainText() {
        String id = UUID.randomUUID().toString();
        assignments.pipeInput(id, bytes("erin_legacy"));

        fixture.send(id, row(id).email("erin@example.com").userMeta("{}").appMeta(EMAIL_APP).create(nextLsn()));

        assertThat(fixture.readProfiles()).extracting(UserProfile::username).containsExactly("erin_legacy");
    }
}
