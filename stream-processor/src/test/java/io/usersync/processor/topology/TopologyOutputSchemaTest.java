package io.usersync.processor.topology;

import static io.usersync.processor.topology.ChangeEvents.nextLsn;
import static io.usersync.processor.topology.ChangeEvents.row;
import static io.usersync.schemas.testing.JsonSchemaAssertions.ASSIGNMENT;
import static io.usersync.schemas.testing.JsonSchemaAssertions.CLAIM;
import static io.usersync.schemas.testing.JsonSchemaAssertions.EVENT;
import static io.usersync.schemas.testing.JsonSchemaAssertions.PROFILE;
import static io.usersync.schemas.testing.JsonSchemaAssertions.assertValid;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class TopologyOutputSchemaTest {

    @Test
    void shouldProduceProfilesAndEventsThatValidateAgainstTheJsonSchemas() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            TestOutputTopic<String, String> profiles = fixture.driver.createOutputTopic(fixture.config.profilesTopic(),
                    Serdes.String().deserializer(), Serdes.String().deserializer());
            TestOutputTopic<String, String> events = fixture.driver.createOutputTopic(fixture.config.eventsTopic(),
                    Serdes.String().deserializer(), Serdes.String().deserializer());
            String google = UUID.randomUUID().toString();
            String phone = UUID.randomUUID().toString();
            fixture.send(google, row(google).email("g@example.com").confirmed()
                    .userMeta("{\"name\":\"G \\ud83d\\ude00\",\"picture\":\"https://example.com/p.png\"}")
                    .appMeta("{\"provider\":\"google\",\"providers\":[\"google\"]}").create(nextLsn()));
            fixture.send(phone, row(phone).phone("1555").userMeta("{}").appMeta("{}").create(nextLsn()));
            fixture.send(google, row(google).email("g2@example.com").userMeta("{}").appMeta("{}")
                    .lastSignInAt("2026-11-04T00:00:00Z").update(nextLsn()));
            fixture.send(phone, row(phone).delete(nextLsn()));

            List<String> profileJson = profiles.readValuesToList();
            List<String> eventJson = events.readValuesToList();

            assertThat(profileJson).hasSize(4);
            profileJson.stream().filter(json -> json != null).forEach(json -> assertValid(PROFILE, json));
            assertThat(eventJson).hasSize(4);
            eventJson.forEach(json -> assertValid(EVENT, json));
        }
    }

    /** Eight partitions: most claims, releases and reservations travel through the claims and assignments topics. */
    @Test
    void shouldProduceClaimsAndAssignmentsThatValidateAgainstTheJsonSchemas() {
        try (TopologyFixture fixture = new TopologyFixture(false, 8)) {
            TestOutputTopic<String, String> assignments = fixture.driver.createOutputTopic(fixture.config.assignmentsTopic(),
                    Serdes.String().deserializer(), Serdes.String().deserializer());
            List<String> ids = IntStream.range(0, 24).mapToObj(i -> UUID.randomUUID().toString()).toList();
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                fixture.send(id, row(id).email("name" + (char) ('a' + i) + "@example.com").userMeta("{}").appMeta("{}")
                        .create(nextLsn()));
                fixture.reservations.pipeInput(id, ChangeEvents.bytes("{\"op\":\"r\",\"before\":null,\"after\":{\"id\":\""
                        + UUID.randomUUID() + "\",\"username\":\"taken" + (char) ('a' + i) + "\"},\"source\":{\"lsn\":1}}"));
            }
            ids.forEach(id -> fixture.send(id, row(id).delete(nextLsn())));

            List<String> claimJson = fixture.claims.readValuesToList().stream()
                    .map(bytes -> new String(bytes, StandardCharsets.UTF_8)).toList();
            List<String> assignmentJson = assignments.readValuesToList();

            assertThat(claimJson.stream().map(json -> parse(json).path("type").asText()).distinct())
                    .containsExactlyInAnyOrder("claim", "release", "reserve");
            claimJson.forEach(json -> assertValid(CLAIM, json));
            assertThat(assignmentJson).isNotEmpty();
            assignmentJson.forEach(json -> assertValid(ASSIGNMENT, json));
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JsonSerde.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(json, e);
        }
    }
}
