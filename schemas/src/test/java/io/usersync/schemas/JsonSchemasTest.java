package io.usersync.schemas;

import static io.usersync.schemas.testing.JsonSchemaAssertions.ASSIGNMENT;
import static io.usersync.schemas.testing.JsonSchemaAssertions.CLAIM;
import static io.usersync.schemas.testing.JsonSchemaAssertions.PROFILE;
import static io.usersync.schemas.testing.JsonSchemaAssertions.EVENT;
import static io.usersync.schemas.testing.JsonSchemaAssertions.assertValid;
import static io.usersync.schemas.testing.JsonSchemaAssertions.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import io.usersync.schemas.profile.UserEvent;
import io.usersync.schemas.profile.UserProfile;

class JsonSchemasTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static UserProfile profile(String username) {
        return new UserProfile("6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11", "alice@example.com", username, "Alice",
                "https://example.com/a.png", "google", List.of("google"), true, false,
                "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", null, 42L, 1_700_000_000_000L, false);
    }

    @Test
    void shouldAcceptAProfileRecordAsSerialized() throws Exception {
        assertValid(PROFILE, MAPPER.writeValueAsString(profile("alice")));
    }

    @Test
    void shouldRejectAProfileWhoseUsernameHasUppercaseLetters() throws Exception {
        assertThat(problems(PROFILE, MAPPER.writeValueAsString(profile("Alice")))).isNotEmpty();
    }

    @Test
    void shouldRejectAProfileWithoutAnId() {
        assertThat(problems(PROFILE, "{\"username\":\"alice\",\"email_verified\":true,\"is_anonymous\":false,"
                + "\"source_lsn\":1,\"source_ts_ms\":1,\"resync\":false}")).isNotEmpty();
    }

    @Test
    void shouldAcceptAnUpdatedEventWithItsChangedFields() throws Exception {
        UserEvent event = new UserEvent(UserEvent.UPDATED, "6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11",
                List.of("email"), profile("alice"), 42L, 1L);
        assertValid(EVENT, MAPPER.writeValueAsString(event));
    }

    @Test
    void shouldRejectAnUpdatedEventWithoutChangedFields() throws Exception {
        UserEvent event = new UserEvent(UserEvent.UPDATED, "6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11",
                null, profile("alice"), 42L, 1L);
        assertThat(problems(EVENT, MAPPER.writeValueAsString(event))).isNotEmpty();
    }

    @Test
    void shouldAcceptEveryKindOfUsernameClaimAsWrittenNow() {
        assertValid(CLAIM, "{\"type\":\"claim\",\"userId\":\"u1\",\"base\":\"alice\",\"username\":null}");
        assertValid(CLAIM, "{\"type\":\"claim\",\"userId\":\"u1\",\"base\":\"alice\",\"username\":\"alice7\"}");
        assertValid(CLAIM, "{\"type\":\"release\",\"userId\":\"u1\",\"username\":\"alice\"}");
        assertValid(CLAIM, "{\"type\":\"reserve\",\"userId\":\"u1\",\"username\":\"alice\"}");
    }

    @Test
    void shouldAcceptReleasesAndReservationsAsEarlierReleasesWroteThem() {
        assertValid(CLAIM, "{\"type\":\"release\",\"userId\":\"u1\",\"base\":null,\"username\":\"alice\"}");
        assertValid(CLAIM, "{\"type\":\"reserve\",\"userId\":\"u1\",\"base\":null,\"username\":\"alice\"}");
    }

    @Test
    void shouldRejectAUsernameClaimOfAnUnknownKind() {
        assertThat(problems(CLAIM, "{\"type\":\"steal\",\"userId\":\"u1\",\"username\":\"alice\"}")).isNotEmpty();
    }

    @Test
    void shouldRejectAClaimWithoutABaseAndAReleaseWithoutAUsername() {
        assertThat(problems(CLAIM, "{\"type\":\"claim\",\"userId\":\"u1\",\"username\":null}")).isNotEmpty();
        assertThat(problems(CLAIM, "{\"type\":\"release\",\"userId\":\"u1\",\"username\":null}")).isNotEmpty();
    }

    @Test
    void shouldAcceptAnAssignmentAndRejectOneWithoutAUsername() {
        assertValid(ASSIGNMENT, "{\"username\":\"alice2\"}");
        assertThat(problems(ASSIGNMENT, "{}")).isNotEmpty();
        assertThat(problems(ASSIGNMENT, "{\"username\":\"Alice\"}")).isNotEmpty();
    }
}
