package io.usersync.processor.topology;

import static io.usersync.processor.topology.ChangeEvents.nextLsn;
import static io.usersync.processor.topology.ChangeEvents.row;
import static io.usersync.schemas.testing.JsonSchemaAssertions.EVENT;
import static io.usersync.schemas.testing.JsonSchemaAssertions.PROFILE;
import static io.usersync.schemas.testing.JsonSchemaAssertions.assertValid;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;

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
}
