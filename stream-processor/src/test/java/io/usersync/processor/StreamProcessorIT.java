package io.usersync.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.usersync.embedded.EmbeddedKafkaBroker;

/**
 * Usernames stay unique and stable with 6 partitions, two instances, an instance stopped mid-way,
 * and replays of the whole CDC topic into the running application and into a fresh one.
 */
class StreamProcessorIT {

    private static final int USERS = 20_000;
    private static final int LOCAL_PARTS = 500;
    private static final int PARTITIONS = 6;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(StreamProcessorIT.class);

    private static EmbeddedKafkaBroker kafka;

    private final List<StreamProcessorStage> stages = new ArrayList<>();

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafkaBroker.startTemporary();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void shouldGiveEveryUserOneUniqueUsernameThatSurvivesReplays() throws Exception {
        ProcessorConfig config = ProcessorConfig.defaults(kafka.bootstrapServers(), PARTITIONS, Files.createTempDirectory("a"));
        StreamProcessorStage first = start(config);
        StreamProcessorStage second = start(config.withStateDirectory(Files.createTempDirectory("b")));
        await().atMost(Duration.ofSeconds(60)).until(() -> first.state() == KafkaStreams.State.RUNNING
                && second.state() == KafkaStreams.State.RUNNING);
        List<String> userIds = publishSignUps(config.cdcTopic());

        try (ProfileReader profiles = new ProfileReader(config.profilesTopic())) {
            profiles.awaitRecords(USERS / 4);
            log.info("{} profiles out, stopping the second instance", USERS / 4);
            second.close();
            Map<String, Set<String>> usernamesByUser = profiles.awaitRecords(USERS);
            log.info("{} profiles out", USERS);

            assertThat(usernamesByUser.keySet()).containsExactlyInAnyOrderElementsOf(userIds);
            assertThat(usernamesByUser.values()).allSatisfy(names -> assertThat(names).hasSize(1));
            Map<String, String> usernames = only(usernamesByUser);
            assertThat(new HashSet<>(usernames.values())).hasSize(USERS);
            assertThat(usernames.values().stream().map(String::toLowerCase).collect(Collectors.toSet())).hasSize(USERS);
            assertThat(usernames.values()).allSatisfy(name -> assertThat(name).matches("^[a-z0-9_]{3,32}$"));

            // Replay the whole CDC topic into the running application: same state, offsets back to the start.
            first.close();
            rewindCdcOffsets(config);
            StreamProcessorStage rewound = start(config);
            awaitCaughtUp(config);
            rewound.close();
            assertThat(only(profiles.readAvailable())).isEqualTo(usernames);

            // Replay into a fresh deployment that starts from the profiles already written.
            ProcessorConfig fresh = config.withApplicationId("usersync-processor-fresh")
                    .withStateDirectory(Files.createTempDirectory("fresh"));
            start(fresh);
            Map<String, Set<String>> afterFreshReplay = profiles.awaitRecords(2 * USERS);
            assertThat(afterFreshReplay.values()).allSatisfy(names -> assertThat(names).hasSize(1));
            assertThat(only(afterFreshReplay)).isEqualTo(usernames);
        }
    }

    private StreamProcessorStage start(ProcessorConfig config) {
        StreamProcessorStage stage = new StreamProcessorStage(config, new SimpleMeterRegistry());
        stages.add(stage);
        stage.start();
        return stage;
    }

    @org.junit.jupiter.api.AfterEach
    void closeStages() {
        stages.forEach(StreamProcessorStage::close);
    }

    /**
     * 20 000 sign-ups whose emails share 500 local parts (with case, leading and trailing separators, which the
     * username rule trims, and +tags varied), in random order.
     */
    private static List<String> publishSignUps(String topic) throws Exception {
        Random random = new Random(42);
        List<String> events = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            int part = i % LOCAL_PARTS;
            String local = part % 2 == 0 ? "name" + letters(part) : "n" + part;
            String variant = switch (random.nextInt(4)) {
                case 0 -> local.toUpperCase();
                case 1 -> "." + local + "-";
                case 2 -> local + "+tag" + i;
                default -> local;
            };
            events.add(id + "\n" + change(id, variant + "@d" + i + ".example.com", 1_000L + i));
        }
        Collections.shuffle(events, random);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer())) {
            for (String event : events) {
                int split = event.indexOf('\n');
                producer.send(new ProducerRecord<>(topic, event.substring(0, split), event.substring(split + 1)));
            }
        }
        return ids;
    }

    private static String letters(int n) {
        StringBuilder out = new StringBuilder();
        int rest = n;
        do {
            out.append((char) ('a' + rest % 26));
            rest /= 26;
        } while (rest > 0);
        return out.toString();
    }

    private static String change(String id, String email, long lsn) {
        ObjectNode event = MAPPER.createObjectNode();
        event.putNull("before");
        ObjectNode after = event.putObject("after");
        after.put("id", id);
        after.put("email", email);
        after.put("raw_user_meta_data", "{}");
        after.put("raw_app_meta_data", "{\"provider\":\"email\",\"providers\":[\"email\"]}");
        after.put("created_at", "2026-11-01T10:00:00Z");
        ObjectNode source = event.putObject("source");
        source.put("lsn", lsn);
        source.put("ts_ms", 1_790_000_000_000L);
        source.put("schema", "auth");
        source.put("table", "users");
        event.put("op", "c");
        event.put("ts_ms", 1_790_000_000_000L);
        return event.toString();
    }

    private static void rewindCdcOffsets(ProcessorConfig config) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                start.put(new TopicPartition(config.cdcTopic(), p), new OffsetAndMetadata(0));
            }
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                admin.alterConsumerGroupOffsets(config.applicationId(), start).all().get();
                return true;
            });
        }
    }

    private static void awaitCaughtUp(ProcessorConfig config) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(config.cdcTopic(), p), OffsetSpec.latest());
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(config.applicationId())
                        .partitionsToOffsetAndMetadata().get();
                return ends.entrySet().stream().allMatch(end -> committed.get(end.getKey()) != null
                        && committed.get(end.getKey()).offset() >= end.getValue().offset());
            });
        }
    }

    private static Map<String, String> only(Map<String, Set<String>> usernamesByUser) {
        Map<String, String> only = new HashMap<>();
        usernamesByUser.forEach((user, names) -> only.put(user, names.iterator().next()));
        return only;
    }

    /** Reads the profiles topic and keeps, per user, every username it was ever published with. */
    private static final class ProfileReader implements AutoCloseable {

        private final KafkaConsumer<String, String> consumer;
        private final Map<String, Set<String>> usernames = new HashMap<>();
        private int records;

        ProfileReader(String topic) {
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "profile-reader-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new StringDeserializer(), new StringDeserializer());
            consumer.subscribe(Set.of(topic));
        }

        Map<String, Set<String>> awaitRecords(int count) {
            await().atMost(Duration.ofMinutes(3)).until(() -> {
                poll();
                return records >= count;
            });
            return usernames;
        }

        Map<String, Set<String>> readAvailable() throws Exception {
            poll();
            return usernames;
        }

        private void poll() throws Exception {
            for (var record : consumer.poll(Duration.ofMillis(200))) {
                records++;
                if (record.value() != null) {
                    String username = MAPPER.readTree(record.value()).get("username").asText();
                    usernames.computeIfAbsent(record.key(), k -> new HashSet<>()).add(username);
                }
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
