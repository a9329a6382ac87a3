package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigLoader;
import io.usersync.app.deadletter.DeadLetterReader;
import io.usersync.app.deadletter.DeadLetterRecord;
import io.usersync.app.deadletter.Redrive;
import io.usersync.app.run.Application;
import io.usersync.app.run.StageConfigs;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.profile.UserProfile;
import io.usersync.schemas.testing.TestDatabase;
import io.usersync.sink.deadletter.DeadLetterReasons;

/**
 * A dead letter redriven once its cause is fixed lands in public.users; a second redrive does nothing; each
 * redrive that fails again adds one to the attempt. Every stage writes the same headers, and {@code dlt list}
 * shows the stage, reason and source of each. Dead letters with a forged source topic are refused (attack).
 */
class RedriveIT {

    private static Application application;

    @BeforeAll
    static void start() throws Exception {
        application = Application.start(ConfigLoader.load(Map.of(
                "USERSYNC_DATA_DIR", Files.createTempDirectory("usersync-redrive-it").toString(),
                "USERSYNC_HTTP_PORT", "0", "USERSYNC_PARTITIONS", "3", "USERSYNC_RECONCILE_INTERVAL_S", "0",
                // A profile whose username stays taken is dead-lettered after a second, not after the default wait.
                "USERSYNC_SINK_USERNAME_WAIT_MS", "1000"), Map.of()));
    }

    @AfterAll
    static void stop() {
        application.close();
    }

    @Test
    void shouldLandTheRedrivenProfileOnceTheConflictIsGoneAndRedriveNothingTwice() throws Exception {
        AppConfig config = application.config();
        String squatter = UUID.randomUUID().toString();
        String user = UUID.randomUUID().toString();
        execute("insert into public.users (id, username, source_lsn) values ('" + squatter + "', 'held_name', 1)");
        UserProfile profile = new UserProfile(user, "held@example.com", "held_name", "Held", null, "email",
                List.of("email"), true, false, null, null, null, 10, System.currentTimeMillis(), false);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                config.kafkaBootstrapServers().orElseThrow()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TopicNames.PROFILES, user, new ObjectMapper().writeValueAsString(profile))).get();
        }
        DeadLetterReader reader = new DeadLetterReader(config.kafka(), TopicNames.DEAD_LETTERS);
        await().atMost(Duration.ofMinutes(1)).until(() -> rejected(reader.readAll(), user).size() == 1);
        assertThat(username(user)).isNull();

        execute("delete from public.users where id = '" + squatter + "'");
        Redrive redrive = new Redrive(application.database(), config.kafka(), StageConfigs.consumedTopics());
        Redrive.Result first = redrive.redrive(rejected(reader.readAll(), user));

        assertThat(first.redriven()).isEqualTo(1);
        await().atMost(Duration.ofMinutes(1)).until(() -> "held_name".equals(username(user)));

        Redrive.Result second = redrive.redrive(rejected(reader.readAll(), user));
        assertThat(second.redriven()).isZero();
        assertThat(second.skipped()).isEqualTo(1);
    }

    @Test
    void shouldCountEveryRedriveInTheAttemptOfTheDeadLetterThatFollowsIt() throws Exception {
        AppConfig config = application.config();
        String squatter = UUID.randomUUID().toString();
        String user = UUID.randomUUID().toString();
        execute("insert into public.users (id, username, source_lsn) values ('" + squatter + "', 'still_held', 1)");
        send(TopicNames.PROFILES, user, profile(user, "still_held"));
        DeadLetterReader reader = new DeadLetterReader(config.kafka(), TopicNames.DEAD_LETTERS);
        await().atMost(Duration.ofMinutes(1)).until(() -> rejected(reader.readAll(), user).size() == 1);
        Redrive redrive = new Redrive(application.database(), config.kafka(), StageConfigs.consumedTopics());

        for (int redrives = 1; redrives <= 2; redrives++) {
            Redrive.Result result = redrive.redrive(rejected(reader.readAll(), user));
            assertThat(result.redriven()).as("redrive %d", redrives).isEqualTo(1);
            int expected = redrives + 1;
            await().atMost(Duration.ofMinutes(1)).until(() -> rejected(reader.readAll(), user).size() == expected);
        }

        assertThat(rejected(reader.readAll(), user)).extracting(DeadLetterRecord::attempt).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(username(user)).isNull();
    }

    @Test
    void shouldWriteOneHeaderSetFromEveryStageAndListStageReasonAndSourceOfEach() throws Exception {
        AppConfig config = application.config();
        String change = UUID.randomUUID().toString();
        String claim = "contract" + UUID.randomUUID().toString().substring(0, 8);
        String squatter = UUID.randomUUID().toString();
        String user = UUID.randomUUID().toString();
        String claimsTopic = StageConfigs.processor(config).claimsTopic();
        send(TopicNames.CDC, change, "{\"op\": \"c\", not json");
        send(claimsTopic, claim, "{\"not\": \"a claim\"");
        execute("insert into public.users (id, username, source_lsn) values ('" + squatter + "', 'contract_name', 1)");
        send(TopicNames.PROFILES, user, profile(user, "contract_name"));
        List<String> keys = List.of(change, claim, user);
        await().atMost(Duration.ofMinutes(1)).until(() -> keys.stream().allMatch(key -> rawDeadLetter(key) != null));

        for (String key : keys) {
            List<String> names = new ArrayList<>();
            rawDeadLetter(key).headers().forEach(header -> names.add(header.key()));
            assertThat(names).as("headers of the dead letter of %s", key).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(DeadLetterHeaders.NAMES);
        }

        StringWriter out = new StringWriter();
        int exit = new CommandLine(new UsersyncCommand()).setOut(new PrintWriter(out)).execute("dlt", "list",
                "--kafka", config.kafkaBootstrapServers().orElseThrow(), "--db-url", config.database().orElseThrow().jdbcUrl());
        assertThat(exit).isZero();
        Map<String, DeadLetterRecord> letters = new HashMap<>();
        new DeadLetterReader(config.kafka(), TopicNames.DEAD_LETTERS).readAll().stream()
                .filter(letter -> keys.contains(letter.key())).forEach(letter -> letters.put(letter.key(), letter));
        assertListed(out.toString(), letters.get(change), DeadLetterHeaders.STAGE_PROCESSOR, "not-json", TopicNames.CDC);
        assertListed(out.toString(), letters.get(claim), DeadLetterHeaders.STAGE_PROCESSOR, "deserialization-failed", claimsTopic);
        assertListed(out.toString(), letters.get(user), DeadLetterHeaders.STAGE_SINK, DeadLetterReasons.REJECTED_BY_DATABASE,
                TopicNames.PROFILES);
    }

    /** The line of {@code dlt list} for this dead letter names its stage, reason and source, nothing unknown. */
    private static void assertListed(String output, DeadLetterRecord letter, String stage, String reason, String sourceTopic) {
        String line = output.lines().filter(l -> l.startsWith(letter.id() + " ")).findFirst().orElseThrow();
        assertThat(line).contains(" " + stage + " ", " " + reason + " ", " " + letter.key() + " ",
                " " + sourceTopic + "-" + letter.sourcePartition() + "@" + letter.sourceOffset() + " ").doesNotContain("unknown");
    }

    /** The record on the dead-letter topic with this key, as read; null until there is one. */
    private static ConsumerRecord<String, byte[]> rawDeadLetter(String key) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                application.config().kafkaBootstrapServers().orElseThrow()), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TopicNames.DEAD_LETTERS).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        return record;
                    }
                }
            }
        }
        return null;
    }

    private static String profile(String user, String username) throws Exception {
        return new ObjectMapper().writeValueAsString(new UserProfile(user, username + "@example.com", username, "Held", null,
                "email", List.of("email"), true, false, null, null, null, 10, System.currentTimeMillis(), false));
    }

    private static void send(String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                application.config().kafkaBootstrapServers().orElseThrow()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    @Test
    void shouldRefuseDeadLettersWhoseForgedSourceTopicIsNotOneThePipelineConsumes() throws Exception {
        String bootstrap = application.config().kafkaBootstrapServers().orElseThrow();
        String arbitrary = "attacker.chosen." + UUID.randomUUID();
        AtomicReference<String> changelog = new AtomicReference<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(arbitrary, 1, (short) 1))).all().get();
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                admin.listTopics().names().get().stream().filter(name -> name.endsWith("-changelog")).findFirst()
                        .ifPresent(changelog::set);
                return changelog.get() != null;
            });
        }
        // __consumer_offsets last: before the fix, the broker's refusal of it ends the redrive after the others went out.
        List<String> forged = List.of(StageConfigs.CAPTURE_OFFSETS_TOPIC, changelog.get(), arbitrary, "__consumer_offsets");
        String attacker = UUID.randomUUID().toString();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            for (String topic : forged) {
                ProducerRecord<String, String> letter = new ProducerRecord<>(TopicNames.DEAD_LETTERS, attacker, "{\"forged\":true}");
                Map.of(DeadLetterHeaders.STAGE, "sink", DeadLetterHeaders.REASON, DeadLetterReasons.REJECTED_BY_DATABASE,
                        DeadLetterHeaders.SOURCE_TOPIC, topic, DeadLetterHeaders.SOURCE_PARTITION, "0",
                        DeadLetterHeaders.SOURCE_OFFSET, "0").forEach((name, value) ->
                        letter.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
                producer.send(letter).get();
            }
        }
        DeadLetterReader reader = new DeadLetterReader(application.config().kafka(), TopicNames.DEAD_LETTERS);
        await().atMost(Duration.ofMinutes(1)).until(() -> keyed(reader.readAll(), attacker).size() == forged.size());

        Redrive.Result result = new Redrive(application.database(), application.config().kafka(), StageConfigs.consumedTopics())
                .redrive(keyed(reader.readAll(), attacker));

        assertThat(result.redriven()).isZero();
        assertThat(result.refused()).extracting(Redrive.Refusal::sourceTopic).containsExactlyInAnyOrderElementsOf(forged);
        assertThat(result.refused()).allSatisfy(refusal -> assertThat(refusal.why()).contains("not a topic the pipeline consumes"));
        for (String topic : forged.subList(0, 3)) {
            assertThat(keysOf(bootstrap, topic)).as(topic).doesNotContain(attacker);
        }
        assertThat(redrivesTo(forged)).isZero();
    }

    private static List<DeadLetterRecord> keyed(List<DeadLetterRecord> letters, String key) {
        return letters.stream().filter(l -> key.equals(l.key())).toList();
    }

    /** Every key in the topic now, read from the beginning. */
    private static List<String> keysOf(String bootstrap, String topic) {
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                consumer.poll(Duration.ofMillis(200)).forEach(record ->
                        keys.add(record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8)));
            }
        }
        return keys;
    }

    private static int redrivesTo(List<String> topics) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(
                "select count(*) from usersync.dlt_redrives where target_topic = any (?)")) {
            s.setArray(1, c.createArrayOf("text", topics.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static List<DeadLetterRecord> rejected(List<DeadLetterRecord> letters, String user) {
        return letters.stream()
                .filter(l -> user.equals(l.key()) && DeadLetterReasons.REJECTED_BY_DATABASE.equals(l.reason())).toList();
    }

    private static Connection connect() throws SQLException {
        AppConfig config = application.config();
        return TestDatabase.dataSource(config.database().orElseThrow()).getConnection();
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String username(String id) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("select username from public.users where id = ?::uuid")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
