package io.usersync.processor.topology;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.usersync.processor.ProcessorConfig;
import io.usersync.schemas.profile.UserEvent;
import io.usersync.schemas.profile.UserProfile;

/** The production topology in a TopologyTestDriver, with its topics at hand. */
final class TopologyFixture implements AutoCloseable {

    final ProcessorConfig config;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> cdc;
    final TestInputTopic<String, byte[]> reservations;
    final TestInputTopic<String, UserProfile> existingProfiles;
    final TestOutputTopic<String, UserProfile> profiles;
    final TestOutputTopic<String, UserEvent> events;
    final TestOutputTopic<String, byte[]> deadLetters;
    final TestOutputTopic<String, byte[]> claims;

    TopologyFixture() {
        this(false);
    }

    TopologyFixture(boolean keepReleasedUsernames) {
        this(keepReleasedUsernames, 1);
    }

    /**
     * @param partitions partitions of the topics: the driver runs the task of partition 0, which decides the
     *                   claims for its own roots and sends the others through the claims topic, which the
     *                   driver pipes back into the same task
     */
    TopologyFixture(boolean keepReleasedUsernames, int partitions) {
        this(keepReleasedUsernames, partitions, ProcessorConfig.DEFAULT_GUARANTEE);
    }

    TopologyFixture(boolean keepReleasedUsernames, int partitions, ProcessorConfig.Guarantee guarantee) {
        ProcessorConfig defaults = ProcessorConfig.defaults("unused:9092", partitions, Path.of("target", "streams-" + UUID.randomUUID()));
        config = new ProcessorConfig(defaults.applicationId(), defaults.kafka(), defaults.cdcTopic(),
                defaults.reservationsTopic(), defaults.profilesTopic(), defaults.eventsTopic(), defaults.deadLetterTopic(),
                partitions, keepReleasedUsernames, defaults.stateDirectory(), guarantee.defaultCommitInterval(), guarantee, null,
                defaults.erasureBound());
        Properties props = config.streamsProperties();
        driver = new TopologyTestDriver(UserSyncTopology.build(config, new ProcessorMetrics(registry), Stores::persistentKeyValueStore), props);
        Topics topics = Topics.of(config);
        cdc = driver.createInputTopic(topics.cdc().name(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
        reservations = driver.createInputTopic(topics.reservations().name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        existingProfiles = driver.createInputTopic(topics.profiles().name(), Serdes.String().serializer(),
                topics.profiles().valueSerde().serializer());
        profiles = driver.createOutputTopic(topics.profiles().name(), Serdes.String().deserializer(),
                topics.profiles().valueSerde().deserializer());
        events = driver.createOutputTopic(topics.events().name(), Serdes.String().deserializer(),
                topics.events().valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters().name(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
        claims = driver.createOutputTopic(config.claimsTopic(), Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    }

    void send(String userId, String changeJson) {
        cdc.pipeInput(userId, changeJson.getBytes(StandardCharsets.UTF_8));
    }

    /** Latest profile per user id among everything published so far (null for a tombstone). */
    Map<String, UserProfile> latestProfiles(List<TestRecord<String, UserProfile>> records) {
        Map<String, UserProfile> latest = new java.util.HashMap<>();
        records.forEach(r -> latest.put(r.key(), r.value()));
        return latest;
    }

    List<UserProfile> readProfiles() {
        return profiles.readRecordsToList().stream().map(TestRecord::value).collect(Collectors.toList());
    }

    KeyValueStore<String, String> usernames() {
        return driver.getKeyValueStore(UsernameClaimProcessor.STORE);
    }

    KeyValueStore<String, UserState> userStates() {
        return driver.getKeyValueStore(UserStateProcessor.STORE);
    }

    double counter(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        driver.close();
    }
}
