package io.usersync.processor.topology;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes an assignment as JSON, {@code {"username":"alice","claimed":true}}. Reads that, and the form releases before it wrote and
 * an assignments topic may still hold across an upgrade: the username alone as UTF-8 text. The two cannot be taken
 * for one another: a username is {@code [a-z0-9_]} (public.users' {@code users_username_format}), never a
 * {@code '{'}.
 */
final class UsernameAssignmentSerde implements Serde<UsernameAssignment> {

    private final JsonSerde<UsernameAssignment> json = new JsonSerde<>(UsernameAssignment.class);

    @Override
    public Serializer<UsernameAssignment> serializer() {
        return json.serializer();
    }

    @Override
    public Deserializer<UsernameAssignment> deserializer() {
        Deserializer<UsernameAssignment> fromJson = json.deserializer();
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length > 0 && bytes[0] == '{') {
                return fromJson.deserialize(topic, bytes);
            }
            return UsernameAssignment.reserved(new String(bytes, StandardCharsets.UTF_8));
        };
    }
}
