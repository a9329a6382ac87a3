package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.usersync.app.deadletter.DeadLetterReader;
import io.usersync.app.deadletter.DeadLetterRecord;
import io.usersync.app.deadletter.Redrive;
import io.usersync.app.erasure.DeadLetterEraser;
import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.ErasureBound;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.kafka.KafkaClientSettings;
import io.usersync.schemas.testing.TestDatabase;

/**
 * The dead-letter eraser on a real broker and database: the dead letters of a user the sink deleted (by key, or by a
 * value that names them) leave the topic and its files; every other dead letter stays, with its id, and can still be
 * redriven, once.
 */
class DeadLetterErasureIT {

    private static final ErasureBound BOUND = new ErasureBound(Duration.ofSeconds(20));
    private static final String PROFILES = TopicNames.PROFILES;

    @TempDir
    Path kafkaDirectory;
    private EmbeddedPostgresServer postgres;
    private EmbeddedKafkaBroker kafka;
    private TestDatabase database;
    private KafkaClientSettings settings;
    private final AtomicInteger sourceOffsets = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        postgres = EmbeddedPostgresServer.startTemporary();
        database = TestDatabase.migrated(postgres);
        kafka = EmbeddedKafkaBroker.start(kafkaDirectory, 0);
        settings = KafkaClientSettings.bootstrapServers(kafka.bootstrapServers());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(
                    new NewTopic(TopicNames.DEAD_LETTERS, 1, (short) 1).configs(BOUND.purged(TopicNames.DEAD_LETTERS_RETENTION)),
                    new NewTopic(PROFILES, 1, (short) 1))).all().get();
        }
    }

    @AfterEach
    void stop() {
        kafka.close();
        postgres.close();
    }

    @Test
    void shouldEraseTheDeadLettersOfADeletedUserAndKeepEveryOtherWithItsId() throws Exception {
        UUID ada = UUID.randomUUID();
        UUID bo = UUID.randomUUID();
        String adaMarker = "adamark" + ada.toString().substring(0, 8);
        deadLetter(ada.toString(), "{\"id\":\"" + ada + "\",\"email\":\"" + adaMarker + "@example.com\"}");
        deadLetter(bo.toString(), "{\"id\":\"" + bo + "\",\"email\":\"bo@example.com\"}");
        // A key that is no user id, in a value that names the user all the same.
        deadLetter("not-a-user-id", "{\"after\":{\"id\":\"" + ada.toString().toUpperCase() + "\",\"full_name\":\"" + adaMarker + "\"}}");
        deadLetter(bo.toString(), "{\"id\":\"" + bo + "\",\"full_name\":\"Bo\"}");
        List<String> boIds = ids(new DeadLetterReader(settings, TopicNames.DEAD_LETTERS).readAll());
        deleted(ada);
        DeadLetterEraser eraser = new DeadLetterEraser(database.dataSource(), settings, TopicNames.DEAD_LETTERS, BOUND,
                Clock.systemUTC());

        // The pass erases once the segment that holds them is old enough for the broker to roll it: an eighth of the bound.
        AtomicInteger erased = new AtomicInteger();
        await().atMost(Duration.ofSeconds(30)).until(() -> erased.addAndGet(eraser.erase()) > 0);

        List<DeadLetterRecord> letters = new DeadLetterReader(settings, TopicNames.DEAD_LETTERS).readAll();
        assertThat(erased).hasValue(2);
        assertThat(letters).extracting(DeadLetterRecord::key).containsExactly(bo.toString(), bo.toString());
        assertThat(ids(letters)).isEqualTo(List.of(boIds.get(1), boIds.get(3)));
        assertThat(new String(letters.get(1).value(), StandardCharsets.UTF_8)).contains("\"full_name\":\"Bo\"");
        await().atMost(Duration.ofSeconds(30)).until(() -> BrokerFiles.topicsHolding(kafkaDirectory, List.of(adaMarker)).isEmpty());
        assertThat(BrokerFiles.topicsHolding(kafkaDirectory, List.of("bo@example.com"))).contains(TopicNames.DEAD_LETTERS);

        Redrive redrive = new Redrive(database.dataSource(), settings, Set.of(PROFILES));
        assertThat(redrive.redrive(letters).redriven()).isEqualTo(2);
        assertThat(redrive.redrive(new DeadLetterReader(settings, TopicNames.DEAD_LETTERS).readAll()).skipped()).isEqualTo(2);
        assertThat(eraser.erase()).isZero();
    }

    @Test
    void shouldReadADeadLetterThatAStoppedEraserLeftTwiceOnceAndKeepItsId() throws Exception {
        UUID ada = UUID.randomUUID();
        UUID bo = UUID.randomUUID();
        deadLetter(bo.toString(), "{\"id\":\"" + bo + "\"}");
        deadLetter(ada.toString(), "{\"id\":\"" + ada + "\"}");
        // What an eraser stopped between its copies and its delete leaves: the original and its copy.
        List<DeadLetterRecord> before = new DeadLetterReader(settings, TopicNames.DEAD_LETTERS).readAll();
        copyOf(bo.toString(), "{\"id\":\"" + bo + "\"}", before.get(0).id());
        assertThat(ids(new DeadLetterReader(settings, TopicNames.DEAD_LETTERS).readAll())).isEqualTo(ids(before));
        deleted(ada);
        DeadLetterEraser eraser = new DeadLetterEraser(database.dataSource(), settings, TopicNames.DEAD_LETTERS, BOUND,
                Clock.systemUTC());

        await().atMost(Duration.ofSeconds(30)).until(() -> eraser.erase() > 0);

        List<DeadLetterRecord> after = new DeadLetterReader(settings, TopicNames.DEAD_LETTERS).readAll();
        assertThat(ids(after)).containsExactly(before.get(0).id());
    }

    private void deadLetter(String key, String value) throws Exception {
        send(key, value, null);
    }

    private void copyOf(String key, String value, String id) throws Exception {
        send(key, value, id);
    }

    private void send(String key, String value, String copyOf) throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(TopicNames.DEAD_LETTERS, 0, key,
                value.getBytes(StandardCharsets.UTF_8));
        DeadLetterHeaders.of(new DeadLetterHeaders.Cause(DeadLetterHeaders.STAGE_SINK, "constraint-violation",
                        "org.postgresql.util.PSQLException", "23514 check no_renames on public.users"),
                        new DeadLetterHeaders.Source(PROFILES, 0, sourceOffsets.getAndIncrement()), 1, Instant.now())
                .forEach((name, text) -> record.headers().add(name, text.getBytes(StandardCharsets.UTF_8)));
        if (copyOf != null) {
            record.headers().add(DeadLetterHeaders.COPY_OF, copyOf.getBytes(StandardCharsets.UTF_8));
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(record).get();
        }
    }

    /** What the sink records when it applies a user's delete. */
    private void deleted(UUID user) throws SQLException {
        database.execute("insert into usersync.sink_deletes (user_id, source_lsn) values ('" + user + "', 1)");
    }

    private static List<String> ids(List<DeadLetterRecord> letters) {
        return letters.stream().map(DeadLetterRecord::id).toList();
    }
}
