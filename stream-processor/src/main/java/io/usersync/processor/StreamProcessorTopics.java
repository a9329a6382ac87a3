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
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates the topics the stream processor reads and writes when they are missing, and checks that the
 * topics it joins by key have the same number of partitions.
 */
final class StreamProcessorTopics {

    private static final String SEVEN_DAYS = Long.toString(Duration.ofDays(7).toMillis());
    private static final String THIRTY_DAYS = Long.toString(Duration.ofDays(30).toMillis());

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
            admin.createTopics(missing).all().get();
            checkCoPartitioned(admin, config);
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

    /** The CDC topic and the assignments topic feed one keyed store: their partitions must line up. */
    private static void checkCoPartitioned(Admin admin, ProcessorConfig config) throws ExecutionException, InterruptedException {
        Map<String, TopicDescription> descriptions = admin.describeTopics(List.of(config.cdcTopic(), config.assignmentsTopic()))
                .allTopicNames().get();
        int cdc = descriptions.get(config.cdcTopic()).partitions().size();
        int assignments = descriptions.get(config.assignmentsTopic()).partitions().size();
        if (cdc != config.partitions() || assignments != config.partitions()) {
            throw new IllegalStateException("topic " + config.cdcTopic() + " has " + cdc + " partitions and "
                    + config.assignmentsTopic() + " has " + assignments + ", but the processor is configured for "
                    + config.partitions() + ". Fix: set USERSYNC_PARTITIONS to " + cdc
                    + " (and recreate " + config.assignmentsTopic() + " and " + config.claimsTopic() + " if they differ).");
        }
    }
}
