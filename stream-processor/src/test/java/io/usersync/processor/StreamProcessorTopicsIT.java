package io.usersync.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.schemas.ErasureBound;

/** The erasure bound's settings, on the topics the processor creates and on those it finds made before. */
class StreamProcessorTopicsIT {

    private static final ErasureBound HOUR = new ErasureBound(Duration.ofHours(1));
    private static final String HALF_HOUR = Long.toString(Duration.ofMinutes(30).toMillis());

    private EmbeddedKafkaBroker kafka;
    private Admin admin;
    private ProcessorConfig config;

    @BeforeEach
    void start() {
        kafka = EmbeddedKafkaBroker.startTemporary();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        ProcessorConfig defaults = ProcessorConfig.defaults(kafka.bootstrapServers(), 1, Path.of("target", "unused"));
        config = new ProcessorConfig(defaults.applicationId(), defaults.kafka(), defaults.cdcTopic(),
                defaults.reservationsTopic(), defaults.profilesTopic(), defaults.eventsTopic(), defaults.deadLetterTopic(),
                1, false, defaults.stateDirectory(), defaults.commitInterval(), defaults.guarantee(), null, HOUR);
    }

    @AfterEach
    void stop() {
        admin.close();
        kafka.close();
    }

    @Test
    void shouldCreateTheTopicsThatHoldProfilesUnderTheBound() throws Exception {
        StreamProcessorTopics.ensure(config);

        // A broker learns of a topic when it replays the controller's record of it: read until it has.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(settings(config.cdcTopic())).containsEntry("cleanup.policy", "compact")
                    .containsEntry("max.compaction.lag.ms", HALF_HOUR);
            assertThat(settings(config.profilesTopic())).containsEntry("max.compaction.lag.ms", HALF_HOUR);
            assertThat(settings(config.eventsTopic())).containsEntry("cleanup.policy", "delete")
                    .containsEntry("retention.ms", HALF_HOUR);
            assertThat(settings(config.deadLetterTopic())).containsEntry("retention.ms",
                    Long.toString(Duration.ofDays(30).toMillis()));
            // Deleted once read (UsernameTopicsPurge): the segments roll every eighth of the bound.
            assertThat(settings(config.claimsTopic())).containsEntry("segment.ms", "450000")
                    .containsEntry("retention.ms", Long.toString(Duration.ofDays(7).toMillis()));
            assertThat(settings(config.assignmentsTopic())).containsEntry("segment.ms", "450000");
        });
    }

    @Test
    void shouldBringTopicsAndChangelogsMadeBeforeToTheBoundAndLeaveTheirCleanupPolicy() throws Exception {
        String changelog = config.applicationId() + "-user-state-changelog";
        // Keyed by username: a delete's tombstone keeps the name, so tombstones go an eighth of the bound after a clean.
        String usernames = config.applicationId() + "-usernames-changelog";
        admin.createTopics(List.of(
                new NewTopic(config.cdcTopic(), 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                new NewTopic(config.profilesTopic(), 1, (short) 1).configs(Map.of("cleanup.policy", "delete")),
                new NewTopic(config.eventsTopic(), 1, (short) 1).configs(Map.of("cleanup.policy", "delete",
                        "retention.ms", Long.toString(Duration.ofDays(7).toMillis()))),
                new NewTopic(changelog, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                new NewTopic(usernames, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get();
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.listTopics().names().get()
                .containsAll(List.of(config.cdcTopic(), config.profilesTopic(), config.eventsTopic(), changelog, usernames)));

        StreamProcessorTopics.ensure(config);

        // A broker applies an altered setting when it replays the controller's record of it: read until it has.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(settings(config.cdcTopic())).containsEntry("max.compaction.lag.ms", HALF_HOUR)
                    .containsEntry("file.delete.delay.ms", "60000");
            assertThat(settings(changelog)).containsEntry("max.compaction.lag.ms", HALF_HOUR);
            assertThat(settings(usernames)).containsEntry("delete.retention.ms", "450000");
            assertThat(settings(config.eventsTopic())).containsEntry("retention.ms", HALF_HOUR)
                    .containsEntry("segment.ms", "450000");
            assertThat(settings(config.profilesTopic())).containsEntry("cleanup.policy", "delete")
                    .containsEntry("max.compaction.lag.ms", HALF_HOUR);
        });
    }

    private Map<String, String> settings(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        return config.entries().stream().collect(Collectors.toMap(ConfigEntry::name,
                entry -> entry.value() == null ? "" : entry.value()));
    }
}
