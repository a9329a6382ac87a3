package io.usersync.sink.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.profile.ProfileHeaders;
import io.usersync.schemas.profile.UserProfile;

/** Reads records of the profiles topic into writes: a profile to upsert, or a tombstone to delete. */
public final class ProfileRecords {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ProfileRecords() {
    }

    /** @throws IOException when the value is not a profile with an id and a username */
    public static ProfileWrite parse(ConsumerRecord<String, byte[]> record) throws IOException {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        if (record.value() == null) {
            return new ProfileWrite(record.key(), null, deleteLsn(record), partition, record.offset(), null, attempt(record));
        }
        UserProfile profile = MAPPER.readValue(record.value(), UserProfile.class);
        if (profile.id() == null || profile.username() == null) {
            throw new IOException("profile without id or username");
        }
        return new ProfileWrite(profile.id(), profile, Long.MAX_VALUE, partition, record.offset(), record.value(), attempt(record));
    }

    /** The redrive attempt the record is on: 1 unless {@code usersync dlt redrive} re-published it. */
    public static int attempt(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(DeadLetterHeaders.ATTEMPT);
        return DeadLetterHeaders.attempt(header == null ? null : new String(header.value(), StandardCharsets.UTF_8));
    }

    /** The delete's LSN from the tombstone's header; without one the delete is unconditional. */
    private static long deleteLsn(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(ProfileHeaders.SOURCE_LSN);
        if (header == null) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(new String(header.value(), StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
