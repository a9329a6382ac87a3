package io.usersync.processor.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.usersync.schemas.profile.UserProfile;

/**
 * Keeps a global copy of the profiles topic, which every instance reads in full before it processes
 * anything: a deployment that starts with empty stores still knows each user's username.
 */
final class ExistingProfilesLoader implements Processor<String, UserProfile, Void, Void> {

    private KeyValueStore<String, UserProfile> profiles;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        profiles = context.getStateStore(UserStateProcessor.EXISTING_PROFILES_STORE);
    }

    @Override
    public void process(Record<String, UserProfile> record) {
        if (record.value() == null) {
            profiles.delete(record.key());
        } else {
            profiles.put(record.key(), record.value());
        }
    }
}
