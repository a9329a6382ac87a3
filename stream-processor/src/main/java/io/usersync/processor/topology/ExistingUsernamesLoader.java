package io.usersync.processor.topology;

import java.io.IOException;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.kafka.SegmentMarker;
import io.usersync.schemas.logging.LogFields;

/**
 * Keeps a global copy of the usernames of the profiles topic, which every instance reads in full before it processes
 * anything: a deployment that starts with empty stores still knows each user's username. Only the username: it is
 * all a claim needs, and a profile's other fields would make this store, on every instance, as big as the topic.
 *
 * <p>It reads bytes and parses them itself, as far as the username. A record it cannot read is skipped, logged by partition and offset and
 * counted in {@code usersync.processor.existing.profiles.unreadable}: with the serde on the source, Kafka Streams'
 * deserialization handler would stop the global thread, and with it the processor, and a global processor cannot
 * send a dead letter. The sink, which reads the same record, sends it to the dead letters ({@code not-a-profile}).
 * Kafka Streams restores this store by running this processor again, so it never holds unreadable bytes.
 */
final class ExistingUsernamesLoader implements Processor<String, byte[], Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(ExistingUsernamesLoader.class);
    private static final String USERNAME = "username";

    private final ProcessorMetrics metrics;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, String> usernames;

    ExistingUsernamesLoader(ProcessorMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        usernames = context.getStateStore(UserSyncTopology.EXISTING_USERNAMES_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            skip("no key", null);
            return;
        }
        if (SegmentMarker.is(record.key())) {
            return;
        }
        if (record.value() == null) {
            usernames.delete(record.key());
            return;
        }
        try {
            usernames.put(record.key(), username(record.value()));
        } catch (SerializationException e) {
            skip("not a profile", e);
        }
    }

    /**
     * The profile's username, read without building the profile: the parser stops at it.
     *
     * @throws SerializationException when the value is not a JSON object with a username, with a message that quotes
     *                                nothing of it
     */
    static String username(byte[] value) {
        try (JsonParser parser = JsonSerde.MAPPER.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new SerializationException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean username = USERNAME.equals(parser.currentName());
                JsonToken token = parser.nextToken();
                if (username && token == JsonToken.VALUE_STRING) {
                    return parser.getText();
                }
                parser.skipChildren();
            }
            throw new SerializationException("no username");
        } catch (IOException e) {
            throw new SerializationException("not JSON at " + position(e), null);
        }
    }

    private static String position(IOException error) {
        return error instanceof JsonProcessingException json && json.getLocation() != null
                ? "line " + json.getLocation().getLineNr() + ", column " + json.getLocation().getColumnNr()
                : "an unknown position";
    }

    private void skip(String why, SerializationException error) {
        metrics.unreadableExistingProfile();
        RecordMetadata source = context.recordMetadata().orElse(null);
        // The error's message names a position only; the key and value may be anything.
        log.atWarn().addKeyValue(LogFields.STAGE, DeadLetterHeaders.STAGE_PROCESSOR)
                .addKeyValue(LogFields.TOPIC, source == null ? null : source.topic())
                .addKeyValue(LogFields.PARTITION, source == null ? null : source.partition())
                .addKeyValue(LogFields.OFFSET, source == null ? null : source.offset())
                .log("Existing profile at {}-{}@{} skipped: {}{}", source == null ? "?" : source.topic(),
                source == null ? -1 : source.partition(), source == null ? -1 : source.offset(), why,
                error == null ? "" : " (" + error.getMessage() + ")");
    }

}
