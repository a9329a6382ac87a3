package io.usersync.processor.topology;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

import io.usersync.processor.ProcessorConfig;
import io.usersync.processor.username.UsernameRegistry;
import io.usersync.schemas.ErasureBound;
import io.usersync.schemas.kafka.SegmentMarker;

/**
 * Builds the topology, and only that:
 * <pre>
 *   cdc ─ parse-change ─┬─ dead letters ─────────────────────────────────────────────> dlt
 *                       └─ user-state (by user id) ─┬─ profiles / events ───────────> profiles, events
 *   assignments ────────────────┘                    └─ claims (by username root) ─┐
 *   public.users cdc ─ parse-reservation ─ reservations ──────────────────────────┤
 *                                   username-claims (by root) <── claims topic ───┘
 *                                       └─ assignments (by user id) ─> assignments topic
 * </pre>
 * The username stores are shared by user-state, parse-reservation and username-claims, so all three run in
 * one task per partition: a claim for a root the task owns is decided in user-state itself, and only
 * claims for roots of other partitions travel through the claims and assignments topics.
 */
public final class UserSyncTopology {

    /**
     * The global store of the usernames in the profiles topic, by user id (an earlier release's, "existing-profiles",
     * held whole profiles).
     */
    public static final String EXISTING_USERNAMES_STORE = "existing-usernames";

    /** The store of each user's state, by user id. */
    public static final String USER_STATE_STORE = UserStateProcessor.STORE;

    /** The stores keyed by a username or the base usernames are made of (the others are keyed by user id). */
    public static final Set<String> STORES_KEYED_BY_NAME = Set.of(UsernameClaimProcessor.STORE, UsernameClaimProcessor.HINTS_STORE);

    /**
     * The stores whose changelogs Kafka Streams keeps ({@code <application id>-<store>-changelog}), each with the
     * erasure bound's settings: a changelog holds what its store holds, a user's profile among it, and the usernames
     * store and the hints are keyed by a username or its base, which a delete's tombstone keeps.
     */
    public static Map<String, Map<String, String>> loggedStores(ErasureBound bound) {
        Map<String, Map<String, String>> stores = new LinkedHashMap<>();
        for (String store : List.of(UserStateProcessor.STORE, UsernameClaimProcessor.STORE, UsernameClaimProcessor.HINTS_STORE,
                UsernameClaimProcessor.HOLDINGS_STORE)) {
            stores.put(store, STORES_KEYED_BY_NAME.contains(store) ? bound.keyedByName() : bound.compacted());
        }
        return stores;
    }

    /**
     * Whether a value of the {@code user-state} changelog holds more of a user than their id and the LSN of a change:
     * false only for a deleted user's state once it has forgotten the username its delete released.
     */
    public static boolean userStateHoldsPersonalData(byte[] value) {
        if (value == null) {
            return false;
        }
        UserState state = new UserStateSerde().deserializer().deserialize(USER_STATE_STORE, value);
        return !state.deleted() || state.username() != null;
    }

    /** Kafka Streams' name of a store's changelog. */
    public static String changelog(String applicationId, String store) {
        return applicationId + "-" + store + "-changelog";
    }

    private UserSyncTopology() {
    }

    /**
     * @param persistentStores makes each RocksDB store by name: {@code StoreCompaction#persistentKeyValueStore} in a
     *                         running processor, or Kafka Streams' own
     */
    public static Topology build(ProcessorConfig config, ProcessorMetrics metrics,
            Function<String, KeyValueBytesStoreSupplier> persistentStores) {
        Topics topics = Topics.of(config);
        StreamsBuilder builder = new StreamsBuilder();

        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(persistentStores.apply(EXISTING_USERNAMES_STORE),
                        Serdes.String(), Serdes.String()).withLoggingDisabled(),
                topics.profiles().name(),
                Consumed.with(topics.profiles().keySerde(), Serdes.ByteArray()).withName("existing-usernames-source"),
                () -> new ExistingUsernamesLoader(metrics));
        Map<String, Map<String, String>> changelogs = loggedStores(config.erasureBound());
        builder.addStateStore(Stores.keyValueStoreBuilder(persistentStores.apply(UserStateProcessor.STORE),
                Serdes.String(), new UserStateSerde()).withLoggingEnabled(changelogs.get(UserStateProcessor.STORE)));
        builder.addStateStore(Stores.keyValueStoreBuilder(persistentStores.apply(UsernameClaimProcessor.STORE),
                Serdes.String(), Serdes.String()).withLoggingEnabled(changelogs.get(UsernameClaimProcessor.STORE)));
        builder.addStateStore(Stores.keyValueStoreBuilder(persistentStores.apply(UsernameClaimProcessor.HINTS_STORE),
                Serdes.String(), Serdes.Integer()).withLoggingEnabled(changelogs.get(UsernameClaimProcessor.HINTS_STORE)));
        builder.addStateStore(Stores.keyValueStoreBuilder(persistentStores.apply(UsernameClaimProcessor.HOLDINGS_STORE),
                Serdes.String(), UsernameRegistry.holdingsSerde()).withLoggingEnabled(changelogs.get(UsernameClaimProcessor.HOLDINGS_STORE)));

        KStream<String, byte[]> cdc = stream(builder, topics.cdc(), "cdc-source");
        KStream<String, UserInput> changes = okOrDeadLetter(topics, "change",
                cdc.process(() -> new ChangeParser(metrics), Named.as("parse-change")))
                .mapValues(UserInput::of, Named.as("as-user-change"));
        // A tombstone follows each delete; compaction leaves it alone once the delete is cleaned away.
        KStream<String, UserInput> removals = cdc.filter((id, value) -> value == null, Named.as("cdc-tombstones"))
                .mapValues(value -> UserInput.removed(), Named.as("as-user-removal"));
        KStream<String, UserInput> assignments = stream(builder, topics.assignments(), "assignments-source")
                .mapValues(UserInput::assigned, Named.as("as-user-assignment"));

        changes.merge(removals, Named.as("user-changes")).merge(assignments, Named.as("user-inputs"))
                .process(() -> new UserStateProcessor(metrics, config.partitions(), config.keepReleasedUsernames(),
                                config.guarantee() == ProcessorConfig.Guarantee.AT_LEAST_ONCE,
                                config.erasureBound().bound().dividedBy(8)),
                        Named.as("user-state"), UserStateProcessor.STORE, UsernameClaimProcessor.STORE,
                        UsernameClaimProcessor.HINTS_STORE, UsernameClaimProcessor.HOLDINGS_STORE)
                .split(Named.as("user-"))
                .branch((id, out) -> out.kind() == UserOutput.Kind.PROFILE, Branched.withConsumer(profiles -> profiles
                        .mapValues(UserOutput::profile, Named.as("profile-value"))
                        .to(topics.profiles().name(), produced(topics.profiles(), "profiles-sink")), "profile"))
                .branch((id, out) -> out.kind() == UserOutput.Kind.EVENT, Branched.withConsumer(events -> events
                        .mapValues(UserOutput::event, Named.as("event-value"))
                        .to(topics.events().name(), produced(topics.events(), "events-sink")), "event"))
                .branch((id, out) -> out.kind() == UserOutput.Kind.CLAIM, Branched.withConsumer(claims -> claims
                        .mapValues(UserOutput::claim, Named.as("claim-value"))
                        .to(topics.claims().name(), produced(topics.claims(), "claims-sink")), "claim"))
                .noDefaultBranch();

        if (topics.reservations() != null) {
            okOrDeadLetter(topics, "reservation",
                    stream(builder, topics.reservations(), "reservations-source")
                            .process(() -> new ReservationParser(metrics, config.partitions()), Named.as("parse-reservation"),
                                    UsernameClaimProcessor.STORE))
                    .to(topics.claims().name(), produced(topics.claims(), "reservations-sink"));
        }

        stream(builder, topics.claims(), "claims-source")
                .process(() -> new UsernameClaimProcessor(metrics, config.keepReleasedUsernames()),
                        Named.as("username-claims"), UsernameClaimProcessor.STORE, UsernameClaimProcessor.HINTS_STORE,
                        UsernameClaimProcessor.HOLDINGS_STORE)
                .split(Named.as("claim-"))
                .branch((key, outcome) -> outcome instanceof UsernameAssignment, Branched.withConsumer(assigned -> assigned
                        .mapValues(outcome -> (UsernameAssignment) outcome, Named.as("assigned-username"))
                        .to(topics.assignments().name(), produced(topics.assignments(), "assignments-sink")), "assigned"))
                .defaultBranch(Branched.withConsumer(retries -> retries
                        .mapValues(outcome -> (UsernameClaim) ((ClaimOutcome.Retry) outcome).claim(), Named.as("retried-claim"))
                        .to(topics.claims().name(), produced(topics.claims(), "retried-claims-sink")), "retry"));

        return builder.build();
    }

    /** Sends failed parses to the dead-letter topic with their original bytes; returns the parsed values. */
    private static <T> KStream<String, T> okOrDeadLetter(Topics topics, String name, KStream<String, Parsed<T>> parsed) {
        Map<String, KStream<String, Parsed<T>>> branches = parsed.split(Named.as(name + "-"))
                .branch((key, value) -> value.failed(), Branched.as("dead-letter"))
                .defaultBranch(Branched.as("ok"));
        branches.get(name + "-dead-letter")
                .mapValues(Parsed::original, Named.as(name + "-original-bytes"))
                .to(topics.deadLetters().name(), produced(topics.deadLetters(), name + "-dead-letters-sink"));
        return branches.get(name + "-ok").mapValues(Parsed::value, Named.as(name + "-value"));
    }

    /** A topic's records, without the segment markers that roll its idle partitions ({@code IdleSegmentRoller}). */
    private static <V> KStream<String, V> stream(StreamsBuilder builder, Topics.Topic<String, V> topic, String name) {
        return builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde()).withName(name))
                .filterNot((key, value) -> SegmentMarker.is(key), Named.as(name + "-without-segment-markers"));
    }

    private static <K, V> Produced<K, V> produced(Topics.Topic<K, V> topic, String name) {
        return Produced.with(topic.keySerde(), topic.valueSerde()).withName(name);
    }
}
