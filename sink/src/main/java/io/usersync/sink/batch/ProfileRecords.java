package io.usersync.sink.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

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
    /** A user id as PostgreSQL's uuid type and the stream processor write it. */
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private ProfileRecords() {
    }

    /**
     * @throws UnreadableRecordException when the key is not a UUID, a tombstone has no source LSN, or the value
     *                                   has no id or username
     * @throws IOException               when the value is not a profile at all
     */
    public static ProfileWrite parse(ConsumerRecord<String, byte[]> record) throws IOException {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        if (record.key() == null || !UUID.matcher(record.key()).matches()) {
            throw new UnreadableRecordException(UnreadableRecordException.Kind.KEY_NOT_A_UUID, "the key is not a UUID");
        }
        if (record.value() == null) {
            return new ProfileWrite(record.key(), null, deleteLsn(record), partition, record.offset(), null, attempt(record));
        }
        UserProfile profile = MAPPER.readValue(record.value(), UserProfile.class);
        if (profile.id() == null || profile.username() == null) {
            throw new UnreadableRecordException(UnreadableRecordException.Kind.NOT_A_PROFILE, "profile without id or username");
        }
        if (profile.providers() != null && profile.providers().stream().anyMatch(Objects::isNull)) {
            throw new UnreadableRecordException(UnreadableRecordException.Kind.NOT_A_PROFILE, "a null among the providers");
        }
        return new ProfileWrite(profile.id(), profile, Long.MAX_VALUE, partition, record.offset(), record.value(), attempt(record));
    }

    /** The redrive attempt the record is on: 1 unless {@code usersync dlt redrive} re-published it. */
    public static int attempt(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(DeadLetterHeaders.ATTEMPT);
        return DeadLetterHeaders.attempt(header == null ? null : new String(header.value(), StandardCharsets.UTF_8));
    }

    /**
     * The delete's LSN from the tombstone's header. Without one the delete could remove a row newer than it, so
     * such a tombstone is not applied.
     */
    private static long deleteLsn(ConsumerRecord<String, byte[]> record) throws UnreadableRecordException {
        Header header = record.headers().lastHeader(ProfileHeaders.SOURCE_LSN);
        if (header != null && header.value() != null) {
            try {
                return Long.parseLong(new String(header.value(), StandardCharsets.UTF_8).trim());
            } catch (NumberFormatException e) {
                // Falls through: as good as none.
            }
        }
        throw new UnreadableRecordException(UnreadableRecordException.Kind.TOMBSTONE_WITHOUT_LSN,
                "a tombstone without a readable " + ProfileHeaders.SOURCE_LSN + " header");
    }
}
