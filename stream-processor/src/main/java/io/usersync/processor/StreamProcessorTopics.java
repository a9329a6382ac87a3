package io.usersync.processor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import io.usersync.schemas.TopicNames;

/**
 * Creates the topics the stream processor reads and writes when they are missing, and checks that the
 * topics it joins by key have the same number of partitions.
 */
final class StreamProcessorTopics {

    private static final String SEVEN_DAYS = Long.toString(Duration.ofDays(7).toMillis());
    private static final String THIRTY_DAYS = Long.toString(TopicNames.DEAD_LETTERS_RETENTION.toMillis());

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
            for (KafkaFuture<Void> created : admin.createTopics(missing).values().values()) {
                try {
                    created.get();
                } catch (ExecutionException e) {
                    // Another instance starting at the same moment (docker compose up --scale process=3) made it between
                    // the listing and here, with the partitions of its own configuration: like a topic created here, it
                    // is not described (it may not be known yet to the broker that answers).
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            checkCoPartitioned(admin, config, existing);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create the stream processor's topics: " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    private static List<NewTopic> topics(ProcessorConfig config) {
        Map<String, String> compact = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        Map<String, String> sevenDays = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, SEVEN_DAYS);
        List<NewTopic> topics = new ArrayList<>(List.of(
                topic(config.cdcTopic(), config, compact),
                topic(config.profilesTopic(), config, compact),
                topic(config.eventsTopic(), config, sevenDays),
                topic(config.deadLetterTopic(), config, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_DELETE, TopicConfig.RETENTION_MS_CONFIG, THIRTY_DAYS)),
                topic(config.claimsTopic(), config, sevenDays),
                topic(config.assignmentsTopic(), config, sevenDays)));
        if (config.reservationsTopic() != null) {
            topics.add(topic(config.reservationsTopic(), config, compact));
        }
        return topics;
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
