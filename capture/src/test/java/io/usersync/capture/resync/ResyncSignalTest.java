package io.usersync.capture.resync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.testing.TestDatabase;

class ResyncSignalTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void shouldAskForAnIncrementalSnapshotOfEveryUser() throws Exception {
        JsonNode request = MAPPER.readTree(ResyncSignal.snapshotRequest(List.of()));

        assertThat(request.get("type").asText()).isEqualTo("incremental");
        assertThat(request.get("data-collections")).extracting(JsonNode::asText).containsExactly("auth.users");
        assertThat(request.has("additional-conditions")).isFalse();
    }

    @Test
    void shouldFilterTheSnapshotToTheGivenUsers() throws Exception {
        UUID first = UUID.fromString("6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11");
        UUID second = UUID.fromString("0b7e3c52-8d1a-4f59-a7a4-1e2f3a4b5c6d");

        JsonNode request = MAPPER.readTree(ResyncSignal.snapshotRequest(List.of(first, second)));

        JsonNode condition = request.get("additional-conditions").get(0);
        assertThat(request.get("additional-conditions")).hasSize(1);
        assertThat(condition.get("data-collection").asText()).isEqualTo("auth.users");
        assertThat(condition.get("filter").asText()).isEqualTo("id in ('" + first + "','" + second + "')");
    }

    @Test
    void shouldRefuseAnEmptyListOfUsersBeforeTouchingTheDatabase() {
        // A URL nothing listens on: reaching the database would fail with an SQLException instead.
        ResyncSignal signal = new ResyncSignal(TestDatabase.dataSource(
                new DatabaseSettings("jdbc:postgresql://127.0.0.1:1/none", "u", null)));

        assertThatThrownBy(() -> signal.requestUsers(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no user ids");
    }
}
