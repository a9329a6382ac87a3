package io.usersync.processor.topology;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.logging.LogFields;
import io.usersync.schemas.profile.UserProfile;

/**
 * Keeps a global copy of the profiles topic, which every instance reads in full before it processes
 * anything: a deployment that starts with empty stores still knows each user's username.
 *
 * <p>It reads bytes and parses them itself. A record it cannot read is skipped, logged by partition and offset and
 * counted in {@code usersync.processor.existing.profiles.unreadable}: with the serde on the source, Kafka Streams'
 * deserialization handler would stop the global thread, and with it the processor, and a global processor cannot
 * send a dead letter. The sink, which reads the same record, sends it to the dead letters ({@code not-a-profile}).
 * Kafka Streams restores this store by running this processor again, so it never holds unreadable bytes.
 */
final class ExistingProfilesLoader implements Processor<String, byte[], Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(ExistingProfilesLoader.class);

    private final Deserializer<UserProfile> profileReader;
    private final ProcessorMetrics metrics;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, UserProfile> profiles;

    ExistingProfilesLoader(Deserializer<UserProfile> profileReader, ProcessorMetrics metrics) {
        this.profileReader = profileReader;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        profiles = context.getStateStore(UserStateProcessor.EXISTING_PROFILES_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            skip("no key", null);
            return;
        }
        if (record.value() == null) {
            profiles.delete(record.key());
            return;
        }
        try {
            profiles.put(record.key(), profileReader.deserialize(topic(), record.value()));
        } catch (SerializationException e) {
            skip("not a profile", e);
        }
    }

    private void skip(String why, SerializationException error) {
        metrics.unreadableExistingProfile();
        RecordMetadata source = context.recordMetadata().orElse(null);
        // The error's message names the JSON path and position only (JsonSerde); the key and value may be anything.
        log.atWarn().addKeyValue(LogFields.STAGE, DeadLetterHeaders.STAGE_PROCESSOR)
                .addKeyValue(LogFields.TOPIC, source == null ? null : source.topic())
                .addKeyValue(LogFields.PARTITION, source == null ? null : source.partition())
                .addKeyValue(LogFields.OFFSET, source == null ? null : source.offset())
                .log("Existing profile at {}-{}@{} skipped: {}{}", source == null ? "?" : source.topic(),
                source == null ? -1 : source.partition(), source == null ? -1 : source.offset(), why,
                error == null ? "" : " (" + error.getMessage() + ")");
    }

    private String topic() {
        return context.recordMetadata().map(RecordMetadata::topic).orElse(null);
    }
}
