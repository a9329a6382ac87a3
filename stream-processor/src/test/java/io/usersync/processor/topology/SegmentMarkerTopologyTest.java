package io.usersync.processor.topology;

import static io.usersync.processor.topology.ChangeEvents.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

import io.usersync.schemas.kafka.SegmentMarker;

/**
 * The segment markers the processor appends to its quiet partitions ({@code IdleSegmentRoller}) come back to it on
 * every topic it reads: each is skipped, as if it were not there.
 */
class SegmentMarkerTopologyTest {

    @Test
    void shouldSkipASegmentMarkerOnEveryTopicItReads() {
        try (TopologyFixture fixture = new TopologyFixture(false, 8)) {
            TestInputTopic<String, byte[]> claims = fixture.driver.createInputTopic(fixture.config.claimsTopic(),
                    Serdes.String().serializer(), Serdes.ByteArray().serializer());
            TestInputTopic<String, byte[]> assignments = fixture.driver.createInputTopic(fixture.config.assignmentsTopic(),
                    Serdes.String().serializer(), Serdes.ByteArray().serializer());

            fixture.cdc.pipeInput(SegmentMarker.KEY, null);
            fixture.reservations.pipeInput(SegmentMarker.KEY, null);
            fixture.existingProfiles.pipeInput(SegmentMarker.KEY, null);
            claims.pipeInput(SegmentMarker.KEY, null);
            assignments.pipeInput(SegmentMarker.KEY, null);

            assertThat(fixture.profiles.isEmpty()).as("profiles").isTrue();
            assertThat(fixture.events.isEmpty()).as("events").isTrue();
            assertThat(fixture.deadLetters.isEmpty()).as("dead letters").isTrue();
            assertThat(fixture.claims.isEmpty()).as("claims").isTrue();
            assertThat(fixture.userStates().get(SegmentMarker.KEY)).as("a user state of the marker's key").isNull();
            assertThat(fixture.counter("usersync.processor.deletes.from.tombstones")).isZero();

            String id = UUID.randomUUID().toString();
            fixture.send(id, row(id).email("after.marker@example.com").create(ChangeEvents.nextLsn()));
            assertThat(fixture.readProfiles()).extracting(profile -> profile.id()).containsExactly(id);
        }
    }
}
