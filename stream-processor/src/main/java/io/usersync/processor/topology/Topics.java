package io.usersync.processor.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import io.usersync.processor.ProcessorConfig;
import io.usersync.schemas.profile.UserEvent;
import io.usersync.schemas.profile.UserProfile;

/** Every topic of the topology, declared once: its name with its key and value serdes. */
public record Topics(
        Topic<String, byte[]> cdc,
        Topic<String, byte[]> reservations,
        Topic<String, UserProfile> profiles,
        Topic<String, UserEvent> events,
        Topic<String, byte[]> deadLetters,
        Topic<String, UsernameClaim> claims,
        Topic<String, UsernameAssignment> assignments) {

    /** A topic's name with the serdes of its keys and values. */
    public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    }

    public static Topics of(ProcessorConfig config) {
        return new Topics(
                new Topic<>(config.cdcTopic(), Serdes.String(), Serdes.ByteArray()),
                config.reservationsTopic() == null ? null
                        : new Topic<>(config.reservationsTopic(), Serdes.String(), Serdes.ByteArray()),
                new Topic<>(config.profilesTopic(), Serdes.String(), new JsonSerde<>(UserProfile.class)),
                new Topic<>(config.eventsTopic(), Serdes.String(), new JsonSerde<>(UserEvent.class)),
                new Topic<>(config.deadLetterTopic(), Serdes.String(), Serdes.ByteArray()),
                new Topic<>(config.claimsTopic(), Serdes.String(), new JsonSerde<>(UsernameClaim.class)),
                new Topic<>(config.assignmentsTopic(), Serdes.String(), new UsernameAssignmentSerde()));
    }
}
