package io.usersync.processor.topology;

import static io.usersync.processor.topology.ChangeEvents.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.processor.ProcessorConfig;
import io.usersync.processor.StreamProcessorStage;
import io.usersync.processor.normalize.ProfileNormalizer;
import io.usersync.schemas.cdc.AuthUserRow;
import io.usersync.schemas.profile.UserProfile;

/**
 * An upgrade from a release that stored {@code user-state} as JSON: the new release restores the store from
 * the changelog those releases wrote and goes on from every user's state.
 */
class UserStateUpgradeIT {

    private static final String EMAIL_APP = "{\"provider\":\"email\",\"providers\":[\"email\"]}";

    @Test
    void shouldGoOnFromTheStateAnEarlierReleaseWroteAsJson() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.startTemporary()) {
            ProcessorConfig config = ProcessorConfig.defaults(kafka.bootstrapServers(), 1,
                    Files.createTempDirectory("upgrade"));
            String kept = UUID.randomUUID().toString();
            String deleted = UUID.randomUUID().toString();
            AuthUserRow row = new AuthUserRow(kept, "first.name@example.com", null, EMAIL_APP, "{}", null, null, null,
                    "2026-11-01T10:00:00Z", "2026-11-01T10:00:00Z", null, false, false);
            UserProfile profile = ProfileNormalizer.normalize(row).withUsername("keeper", 5_000, 1_790_000_005_000L, false);
            writeJsonChangelog(kafka, config, Map.of(
                    kept, UserState.published(5_000, 1_790_000_005_000L, row, profile, false, SentOutputs.NOTHING),
                    deleted, UserState.deleted(5_000, 1_790_000_005_000L, null, SentOutputs.NOTHING)));

            try (StreamProcessorStage stage = new StreamProcessorStage(config, new SimpleMeterRegistry())) {
                stage.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> stage.state() == KafkaStreams.State.RUNNING);
                // An older change of the deleted user first: with its state kept, it is ignored.
                publish(kafka, config.cdcTopic(), deleted, row(deleted).email("back@example.com").userMeta("{}")
                        .appMeta(EMAIL_APP).create(4_000));
                publish(kafka, config.cdcTopic(), kept, row(kept).email("other.name@example.com").userMeta("{}")
                        .appMeta(EMAIL_APP).update(6_000));

                List<ConsumerRecord<String, String>> profiles = readUntilOneFor(kafka, config.profilesTopic(), kept);

                assertThat(profiles).extracting(ConsumerRecord::key).containsExactly(kept);
                assertThat(profiles.get(0).value()).contains("\"username\":\"keeper\"")
                        .contains("\"email\":\"other.name@example.com\"");
            }
        }
    }

    /** As the JSON serde of earlier releases wrote the store's changelog. */
    private static void writeJsonChangelog(EmbeddedKafkaBroker kafka, ProcessorConfig config, Map<String, UserState> states)
            throws Exception {
        String changelog = config.applicationId() + "-" + UserStateProcessor.STORE + "-changelog";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(changelog, 1, (short) 1).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
        }
        JsonSerde<UserState> json = new JsonSerde<>(UserState.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers()), new StringSerializer(), Serdes.ByteArray().serializer())) {
            for (Map.Entry<String, UserState> state : states.entrySet()) {
                byte[] bytes = json.serializer().serialize(changelog, state.getValue());
                assertThat(bytes[0]).isEqualTo((byte) '{');
                producer.send(new ProducerRecord<>(changelog, state.getKey(), bytes)).get();
            }
        }
    }

    private static void publish(EmbeddedKafkaBroker kafka, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** Every profile published up to and including the first one for {@code userId}. */
    private static List<ConsumerRecord<String, String>> readUntilOneFor(EmbeddedKafkaBroker kafka, String topic,
            String userId) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "profiles-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.stream().anyMatch(record -> record.key().equals(userId));
            });
        }
        return records;
    }
}
