package io.usersync.processor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.processor.topology.UserSyncTopology;
import io.usersync.schemas.ErasureBound;
import io.usersync.schemas.TopicNames;

/**
 * Creates the topics the stream processor reads and writes when they are missing, checks that the topics it joins by
 * key have the same number of partitions, and brings every topic that holds a user's personal data (its stores'
 * changelogs among them) to the settings of the erasure bound, whoever created it and whenever.
 */
final class StreamProcessorTopics {

    private static final Logger log = LoggerFactory.getLogger(StreamProcessorTopics.class);

    private static final Duration SEVEN_DAYS = Duration.ofDays(7);

    private StreamProcessorTopics() {
    }

    static void ensure(ProcessorConfig config) {
        try (Admin admin = Admin.create(config.kafka().clientProperties(Map.of()))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (NewTopic topic : topics(config)) {
                if (!existing.contains(topic.name())) {
                    missing.add(topic);
                }
            }
            Set<String> found = new HashSet<>(existing);
            found.addAll(createUnlessCreatedMeanwhile(admin, missing));
            checkCoPartitioned(admin, config, existing);
            Map<String, Map<String, String>> erasure = new LinkedHashMap<>(erasureSettings(config));
            erasure.keySet().retainAll(found);
            bringToErasureBound(admin, erasure);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create the stream processor's topics: " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * Capture creates some of the same topics: when the stages start at once in separate processes, the other one may
     * create a topic between the listing and the creation, which is as good. A topic just created by someone else may
     * also be missing from a broker's listing for a moment. Returns the topics that turned out to exist, to be checked
     * like the ones listed.
     */
    private static Set<String> createUnlessCreatedMeanwhile(Admin admin, List<NewTopic> topics)
            throws ExecutionException, InterruptedException {
        Set<String> existed = new HashSet<>();
        for (Map.Entry<String, KafkaFuture<Void>> created : admin.createTopics(topics).values().entrySet()) {
            try {
                created.getValue().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                existed.add(created.getKey());
            }
        }
        return existed;
    }

    private static List<NewTopic> topics(ProcessorConfig config) {
        Map<String, Map<String, String>> erasure = erasureSettings(config);
        ErasureBound bound = config.erasureBound();
        List<NewTopic> topics = new ArrayList<>(List.of(
                topic(config.cdcTopic(), config, erasure.get(config.cdcTopic())),
                topic(config.profilesTopic(), config, erasure.get(config.profilesTopic())),
                topic(config.eventsTopic(), config, erasure.get(config.eventsTopic())),
                topic(config.deadLetterTopic(), config, bound.purged(TopicNames.DEAD_LETTERS_RETENTION)),
                // Deleted once read, and by the broker after seven days, read or not.
                topic(config.claimsTopic(), config, bound.purged(SEVEN_DAYS)),
                topic(config.assignmentsTopic(), config, bound.purged(SEVEN_DAYS))));
        if (config.reservationsTopic() != null) {
            topics.add(topic(config.reservationsTopic(), config, erasure.get(config.reservationsTopic())));
        }
        return topics;
    }

    /**
     * Each topic that holds what a user's profile holds, with the settings the erasure bound gives it: the changes and
     * profiles keyed by user id, the usernames set outside the pipeline, the stores' changelogs, the events, and the
     * username claims and assignments ({@link UsernameTopicsPurge} deletes what was read of them), and the dead letters
     * (those of a deleted user are deleted by the application's dead-letter eraser).
     */
    static Map<String, Map<String, String>> erasureSettings(ProcessorConfig config) {
        ErasureBound bound = config.erasureBound();
        Map<String, Map<String, String>> settings = new LinkedHashMap<>();
        settings.put(config.cdcTopic(), bound.compacted());
        settings.put(config.profilesTopic(), bound.compacted());
        if (config.reservationsTopic() != null) {
            settings.put(config.reservationsTopic(), bound.compacted());
        }
        UserSyncTopology.loggedStores(bound).forEach((store, changelog) ->
                settings.put(UserSyncTopology.changelog(config.applicationId(), store), changelog));
        settings.put(config.eventsTopic(), bound.expiring());
        settings.put(config.claimsTopic(), bound.purged());
        settings.put(config.assignmentsTopic(), bound.purged());
        settings.put(config.deadLetterTopic(), bound.purged());
        return settings;
    }

    /**
     * The topics whose quiet partitions get segment markers ({@link IdleSegmentRoller}): every topic of
     * {@link #erasureSettings} but the events, whose retention deletes even an active segment and whose readers are the
     * application's, and the dead letters, whose eraser appends its own marker.
     */
    static Set<String> rolledWhenQuiet(ProcessorConfig config) {
        Set<String> topics = new LinkedHashSet<>(erasureSettings(config).keySet());
        topics.remove(config.eventsTopic());
        topics.remove(config.deadLetterTopic());
        return topics;
    }

    /**
     * Sets, on each topic, those of the erasure bound's settings it does not have yet (a topic of an earlier release, or
     * created by someone else, or when the bound changed); its cleanup policy is the operator's, and only warned of.
     * Refused (no AlterConfigs right), the topic is named with the fix, and the processor starts anyway.
     */
    private static void bringToErasureBound(Admin admin, Map<String, Map<String, String>> settings)
            throws InterruptedException {
        Map<ConfigResource, String> resources = new LinkedHashMap<>();
        settings.keySet().forEach(topic -> resources.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), topic));
        Map<ConfigResource, Config> current;
        try {
            current = admin.describeConfigs(resources.keySet()).all().get();
        } catch (ExecutionException e) {
            log.warn("Cannot read the settings of topics {} ({}): whether they hold a deleted user's data no longer than"
                    + " USERSYNC_ERASURE_BOUND is not checked. Fix: allow this client DescribeConfigs on them",
                    settings.keySet(), e.getCause().getClass().getSimpleName());
            return;
        }
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        resources.forEach((resource, topic) -> {
            Config config = current.get(resource);
            List<AlterConfigOp> ops = new ArrayList<>();
            settings.get(topic).forEach((name, value) -> {
                ConfigEntry entry = config.get(name);
                String actual = entry == null ? null : entry.value();
                if (ErasureBound.SETTINGS.contains(name) && !value.equals(actual)) {
                    ops.add(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET));
                } else if (name.equals(TopicConfig.CLEANUP_POLICY_CONFIG) && !value.equals(actual)) {
                    log.warn("Topic {} has cleanup.policy={}, not {}: a deleted user's data may stay in it longer than"
                            + " USERSYNC_ERASURE_BOUND. Fix: set cleanup.policy={} on it", topic, actual, value, value);
                }
            });
            if (!ops.isEmpty()) {
                changes.put(resource, ops);
            }
        });
        for (Map.Entry<ConfigResource, KafkaFuture<Void>> altered : admin.incrementalAlterConfigs(changes).values().entrySet()) {
            String topic = altered.getKey().name();
            List<String> set = changes.get(altered.getKey()).stream()
                    .map(op -> op.configEntry().name() + "=" + op.configEntry().value()).toList();
            try {
                altered.getValue().get();
                log.info("Topic {} brought to USERSYNC_ERASURE_BOUND: {}", topic, String.join(", ", set));
            } catch (ExecutionException e) {
                log.warn("Cannot bring topic {} to USERSYNC_ERASURE_BOUND ({}): a deleted user's data may stay in it longer."
                        + " Fix: allow this client AlterConfigs on the topic, or set {} on it", topic,
                        e.getCause().getClass().getSimpleName(), String.join(", ", set));
            }
        }
    }

    private static NewTopic topic(String name, ProcessorConfig config, Map<String, String> settings) {
        return new NewTopic(name, config.partitions(), (short) -1).configs(settings);
    }

    /**
     * Every input of the user-state and username-claims tasks: task p reads partition p of each, so a claim
     * for a root the task owns is decided there. Their partition counts must be the same. Topics created just
     * now have the configured count; only those that existed before are described (a topic just created may
     * not be known yet to the broker that answers).
     */
    private static void checkCoPartitioned(Admin admin, ProcessorConfig config, Set<String> existing)
            throws ExecutionException, InterruptedException {
        List<String> inputs = new ArrayList<>(List.of(config.cdcTopic(), config.assignmentsTopic(), config.claimsTopic()));
        if (config.reservationsTopic() != null) {
            inputs.add(config.reservationsTopic());
        }
        inputs.retainAll(existing);
        if (inputs.isEmpty()) {
            return;
        }
        Map<String, TopicDescription> descriptions = admin.describeTopics(inputs).allTopicNames().get();
        List<String> mismatched = inputs.stream()
                .filter(topic -> descriptions.get(topic).partitions().size() != config.partitions())
                .map(topic -> topic + " has " + descriptions.get(topic).partitions().size())
                .toList();
        if (!mismatched.isEmpty()) {
            int found = descriptions.get(inputs.get(0)).partitions().size();
            throw new IllegalStateException("the processor is configured for " + config.partitions() + " partitions, but "
                    + String.join(", ", mismatched) + ". Fix: set USERSYNC_PARTITIONS to " + found
                    + " (and recreate " + config.assignmentsTopic() + " and " + config.claimsTopic() + " if they differ).");
        }
    }
}
