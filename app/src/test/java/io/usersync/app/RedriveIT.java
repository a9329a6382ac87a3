package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigLoader;
import io.usersync.app.deadletter.DeadLetter;
import io.usersync.app.deadletter.DeadLetterReader;
import io.usersync.app.deadletter.Redrive;
import io.usersync.app.run.Application;
import io.usersync.app.run.StageConfigs;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.profile.UserProfile;
import io.usersync.sink.deadletter.DeadLetterReasons;

/**
 * A dead letter redriven once its cause is fixed lands in public.users; a second redrive does nothing. Dead
 * letters with a forged source topic are refused (attack).
 */
class RedriveIT {

    private static Application application;

    @BeforeAll
    static void start() throws Exception {
        application = Application.start(ConfigLoader.load(Map.of(
                "USERSYNC_DATA_DIR", Files.createTempDirectory("usersync-redrive-it").toString(),
                "USERSYNC_HTTP_PORT", "0", "USERSYNC_PARTITIONS", "3", "USERSYNC_RECONCILE_INTERVAL_S", "0"), Map.of()));
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
        Redrive redrive = new Redrive(StageConfigs.database(config), config.kafka(), StageConfigs.consumedTopics());
        Redrive.Result first = redrive.redrive(rejected(reader.readAll(), user));

        assertThat(first.redriven()).isEqualTo(1);
        await().atMost(Duration.ofMinutes(1)).until(() -> "held_name".equals(username(user)));

        Redrive.Result second = redrive.redrive(rejected(reader.readAll(), user));
        assertThat(second.redriven()).isZero();
        assertThat(second.skipped()).isEqualTo(1);
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

        Redrive.Result result = new Redrive(StageConfigs.database(application.config()), application.config().kafka(), StageConfigs.consumedTopics())
                .redrive(keyed(reader.readAll(), attacker));

        assertThat(result.redriven()).isZero();
        assertThat(result.refused()).extracting(Redrive.Refusal::sourceTopic).containsExactlyInAnyOrderElementsOf(forged);
        assertThat(result.refused()).allSatisfy(refusal -> assertThat(refusal.why()).contains("not a topic the pipeline consumes"));
        for (String topic : forged.subList(0, 3)) {
            assertThat(keysOf(bootstrap, topic)).as(topic).doesNotContain(attacker);
        }
        assertThat(redrivesTo(forged)).isZero();
    }

    private static List<DeadLetter> keyed(List<DeadLetter> letters, String key) {
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

    private static List<DeadLetter> rejected(List<DeadLetter> letters, String user) {
        return letters.stream()
                .filter(l -> user.equals(l.key()) && DeadLetterReasons.REJECTED_BY_DATABASE.equals(l.reason())).toList();
    }

    private static Connection connect() throws SQLException {
        AppConfig config = application.config();
        return DriverManager.getConnection(config.dbUrl().orElseThrow(), config.dbUser(), config.dbPassword());
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
