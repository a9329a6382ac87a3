package io.usersync.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** The claims and assignments topics' values, in the form written now and in the form earlier releases left there. */
class UsernameClaimSerdeTest {

    private static final String TOPIC = "usersync-processor-username-claims";
    private static final Serde<UsernameClaim> CLAIMS = new JsonSerde<>(UsernameClaim.class);
    private static final Serde<UsernameAssignment> ASSIGNMENTS = new UsernameAssignmentSerde();

    private static UsernameClaim read(String json) {
        return CLAIMS.deserializer().deserialize(TOPIC, json.getBytes(StandardCharsets.UTF_8));
    }

    private static String write(UsernameClaim claim) {
        return new String(CLAIMS.serializer().serialize(TOPIC, claim), StandardCharsets.UTF_8);
    }

    @Test
    void shouldReadAClaimAsAnEarlierReleaseWroteIt() {
        assertThat(read("{\"type\":\"claim\",\"userId\":\"u1\",\"base\":\"alice\",\"username\":null}"))
                .isEqualTo(new UsernameClaim.Claim("u1", "alice", null));
        assertThat(read("{\"type\":\"claim\",\"userId\":\"u1\",\"base\":\"alice\",\"username\":\"alice7\"}"))
                .isEqualTo(new UsernameClaim.Claim("u1", "alice", "alice7"));
    }

    @Test
    void shouldReadAReleaseAsAnEarlierReleaseWroteIt() {
        assertThat(read("{\"type\":\"release\",\"userId\":\"u1\",\"base\":null,\"username\":\"alice\"}"))
                .isEqualTo(new UsernameClaim.Release("u1", "alice"));
    }

    @Test
    void shouldReadAReservationAsAnEarlierReleaseWroteIt() {
        assertThat(read("{\"type\":\"reserve\",\"userId\":\"u1\",\"base\":null,\"username\":\"alice\"}"))
                .isEqualTo(new UsernameClaim.Reserve("u1", "alice"));
    }

    @Test
    void shouldWriteAClaimInTheSameFormAsEarlierReleases() {
        assertThat(write(UsernameClaim.claim("u1", "alice", null)))
                .isEqualTo("{\"type\":\"claim\",\"userId\":\"u1\",\"base\":\"alice\",\"username\":null}");
    }

    @Test
    void shouldWriteReleasesAndReservationsWithoutABase() {
        assertThat(write(UsernameClaim.release("u1", "alice")))
                .isEqualTo("{\"type\":\"release\",\"userId\":\"u1\",\"username\":\"alice\"}");
        assertThat(write(UsernameClaim.reserve("u1", "alice")))
                .isEqualTo("{\"type\":\"reserve\",\"userId\":\"u1\",\"username\":\"alice\"}");
    }

    @Test
    void shouldReadBackEveryKindItWrites() {
        for (UsernameClaim claim : new UsernameClaim[] {UsernameClaim.claim("u1", "bob", "bob2"),
                UsernameClaim.release("u2", "carol"), UsernameClaim.reserve("u3", "dave")}) {
            assertThat(read(write(claim))).isEqualTo(claim);
        }
    }

    @Test
    void shouldRefuseAClaimOfAnUnknownKind() {
        assertThatThrownBy(() -> read("{\"type\":\"steal\",\"userId\":\"u1\",\"base\":null,\"username\":\"alice\"}"))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldReadAnAssignmentAnEarlierReleaseWroteAsPlainTextAsAReservations() {
        assertThat(ASSIGNMENTS.deserializer().deserialize(TOPIC, "alice2".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(UsernameAssignment.reserved("alice2"));
    }

    @Test
    void shouldReadAnAssignmentAnEarlierReleaseWroteAsJsonWithoutItsOriginAsAReservations() {
        assertThat(ASSIGNMENTS.deserializer().deserialize(TOPIC, "{\"username\":\"alice2\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(UsernameAssignment.reserved("alice2"));
    }

    @Test
    void shouldWriteAnAssignmentAsJsonAndReadItBack() {
        byte[] bytes = ASSIGNMENTS.serializer().serialize(TOPIC, UsernameAssignment.claimed("alice2"));

        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"username\":\"alice2\",\"claimed\":true}");
        assertThat(ASSIGNMENTS.deserializer().deserialize(TOPIC, bytes)).isEqualTo(UsernameAssignment.claimed("alice2"));
    }

    @Test
    void shouldRefuseAnAssignmentWithoutAUsername() {
        assertThatThrownBy(() -> ASSIGNMENTS.deserializer().deserialize(TOPIC, "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class);
    }
}
