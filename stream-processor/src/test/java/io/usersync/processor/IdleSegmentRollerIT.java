package io.usersync.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.schemas.kafka.KafkaClientSettings;
import io.usersync.schemas.kafka.SegmentMarker;
import io.usersync.schemas.testing.FilesHolding;

/**
 * A compacted partition that takes no record after a delete: the deleted key's records (a value keyed by a user id,
 * and a key that is itself personal data, as a username is) stay in the broker's files for good, for the cleaner
 * never touches the active segment; with the roller's markers they leave. Real broker, its files read byte by byte.
 */
class IdleSegmentRollerIT {

    /** The topics' {@code max.compaction.lag.ms}: their roll time. */
    private static final Duration ROLL = Duration.ofSeconds(3);
    private static final Duration EVERY = Duration.ofMillis(500);

    @TempDir
    Path logDirectory;
    private EmbeddedKafkaBroker kafka;
    private Admin admin;

    @BeforeEach
    void start() {
        kafka = EmbeddedKafkaBroker.start(logDirectory, 0);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterEach
    void stop() {
        admin.close();
        kafka.close();
    }

    @Test
    void shouldRollAQuietPartitionSoThatTheCleanerTakesADeletedUsersRecords() throws Exception {
        List<String> markers = List.of("quietmark-email", "quietmark-name");
        for (String topic : List.of("rolled", "left-alone")) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of(
                    "cleanup.policy", "compact",
                    "max.compaction.lag.ms", Long.toString(ROLL.toMillis()),
                    "delete.retention.ms", "1000",
                    "file.delete.delay.ms", "500")))).all().get();
            send(topic, "user-1", "{\"email\":\"quietmark-email\"}");
            send(topic, "quietmark-name", "user-1");
            send(topic, "user-1", null);
            send(topic, "quietmark-name", null);
        }
        assertThat(holding(markers)).containsExactlyInAnyOrder("rolled-0", "left-alone-0");
        try (IdleSegmentRoller roller = new IdleSegmentRoller(new KafkaClientSettings(Map.of(
                KafkaClientSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers())), Set.of("rolled"), EVERY, Clock.systemUTC())) {
            roller.start();

            // Held for a while: a file the cleaner is renaming can escape one scan.
            await().atMost(Duration.ofMinutes(1)).during(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(250))
                    .until(() -> !holding(markers).contains("rolled-0"));
        }

        assertThat(holding(markers)).as("the partition no marker rolled").containsExactly("left-alone-0");
        List<String> keys = keys("rolled");
        assertThat(keys).as("what a reader of the rolled topic finds").containsOnly(SegmentMarker.KEY)
                .hasSizeLessThanOrEqualTo(IdleSegmentRoller.ROLLS);
    }

    @Test
    void shouldLeaveAQuietPartitionAloneOnceItsLastRecordsAreRolledAway() throws Exception {
        admin.createTopics(List.of(new NewTopic("quiet", 1, (short) 1).configs(Map.of(
                "cleanup.policy", "compact", "max.compaction.lag.ms", Long.toString(ROLL.toMillis()))))).all().get();
        send("quiet", "user-1", "{}");
        IdleSegmentRoller roller = new IdleSegmentRoller(new KafkaClientSettings(Map.of(
                KafkaClientSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers())), Set.of("quiet"), EVERY, Clock.systemUTC());
        List<TopicPartition> marked = new ArrayList<>();

        await().atMost(Duration.ofMinutes(1)).pollInterval(EVERY).until(() -> {
            marked.addAll(roller.roll());
            return marked.size() == IdleSegmentRoller.ROLLS;
        });
        assertThat(roller.roll()).as("after two markers a roll time apart").isEmpty();

        send("quiet", "user-2", "{}");
        await().atMost(Duration.ofMinutes(1)).pollInterval(EVERY).until(() -> !roller.roll().isEmpty());
    }

    private void send(String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** The partitions with a file that holds any of the markers (their directories' names). */
    private Set<String> holding(List<String> markers) throws Exception {
        return Set.copyOf(FilesHolding.under(logDirectory, markers, file -> false).stream()
                .map(file -> logDirectory.relativize(file).getName(0).toString())
                .toList());
    }

    private List<String> keys(String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            List<String> keys = new ArrayList<>();
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    keys.add(record.key());
                }
            }
            return keys;
        }
    }
}
