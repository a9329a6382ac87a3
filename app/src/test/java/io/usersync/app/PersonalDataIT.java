package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigLoader;
import io.usersync.app.run.Application;
import io.usersync.app.run.StageConfigs;
import io.usersync.app.run.StageHealth;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.logging.LogFields;
import io.usersync.schemas.profile.UserProfile;
import io.usersync.schemas.testing.AuthUsersTable;
import io.usersync.schemas.testing.TestDatabase;

/**
 * Attack: users whose emails, names and metadata carry a marker are driven through every failure path
 * (unreadable metadata, corrupt change events, profiles the database rejects, a database outage while
 * writing). The marker must appear in no dead-letter header and in no log line.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PersonalDataIT {

    /** Unique per run, so nothing but this test's data can contain it. */
    private static final String MARKER = "piimark" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    private static LogCapture log;
    private static Application application;

    @BeforeAll
    static void start() throws Exception {
        log = LogCapture.attach();
        application = Application.start(ConfigLoader.load(Map.of(
                "USERSYNC_DATA_DIR", Files.createTempDirectory("usersync-pii-it").toString(),
                "USERSYNC_HTTP_PORT", "0", "USERSYNC_PARTITIONS", "3", "USERSYNC_RECONCILE_INTERVAL_S", "0",
                // A profile whose username stays taken is dead-lettered after a second, not after the default wait.
                "USERSYNC_SINK_USERNAME_WAIT_MS", "1000"), Map.of()));
    }

    @AfterAll
    static void stop() {
        application.close();
        log.close();
    }

    @AfterEach
    void noMarkerInDeadLettersOrLogs() {
        assertThat(deadLetterHeaders()).noneMatch(PersonalDataIT::hasMarker);
        assertThat(log.lines()).noneMatch(PersonalDataIT::hasMarker);
    }

    @Test
    void shouldKeepMetadataOfASignUpOutOfTheProcessorsDeadLetter() throws Exception {
        UUID id = new AuthUsersTable(PersonalDataIT::connect).signUp(MARKER + ".meta@example.com",
                "\"" + MARKER + " Meta\"", "{\"provider\":\"email\",\"providers\":[\"email\"]}");

        awaitDeadLetter("stream-processor", "unreadable-metadata", id.toString());
    }

    @Test
    void shouldKeepTheOffendingInputOfCorruptChangeEventsOutOfTheProcessorsDeadLetters() throws Exception {
        String notJson = UUID.randomUUID().toString();
        String wrongType = UUID.randomUUID().toString();
        String reservation = UUID.randomUUID().toString();
        send(TopicNames.CDC, notJson, "{\"op\":\"c\",\"after\":{\"id\":\"" + notJson + "\",\"email\":" + MARKER + "@example.com}}");
        send(TopicNames.CDC, wrongType, "{\"op\":\"c\",\"source\":{\"lsn\":1},\"after\":{\"id\":\"" + wrongType
                + "\",\"is_anonymous\":\"" + MARKER + "@example.com\"}}");
        send(TopicNames.USERNAME_RESERVATIONS, reservation, "{\"op\":\"c\",\"after\":{\"username\":" + MARKER + "}}");

        awaitDeadLetter("stream-processor", null, notJson);
        awaitDeadLetter("stream-processor", "not-a-change-event", wrongType);
        awaitDeadLetter("stream-processor", "not-json", reservation);
    }

    /** Kafka Streams' own handlers copied the record's headers and the error's message and stack trace. */
    @Test
    void shouldKeepTheHeadersAndInputOfARecordStreamsCannotReadOutOfTheProcessorsDeadLetter() throws Exception {
        String root = "piiroot" + UUID.randomUUID().toString().substring(0, 8);
        ProducerRecord<String, String> claim = new ProducerRecord<>(StageConfigs.processor(config()).claimsTopic(), root,
                "{\"type\": \"claim\", \"user_id\": " + MARKER + "}");
        claim.headers().add("note", (MARKER + "@example.com").getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                config().kafkaBootstrapServers().orElseThrow()), new StringSerializer(), new StringSerializer())) {
            producer.send(claim).get();
        }

        awaitDeadLetter("stream-processor", "deserialization-failed", root);
    }

    @Test
    void shouldKeepRowValuesOutOfTheSinksDeadLettersWhenTheDatabaseRejectsAProfile() throws Exception {
        String squatter = UUID.randomUUID().toString();
        String taken = UUID.randomUUID().toString();
        String badFormat = UUID.randomUUID().toString();
        execute("insert into public.users (id, email, username, full_name, source_lsn) values (?::uuid, ?, ?, ?, 1)",
                squatter, MARKER + ".squatter@example.com", MARKER + "_held", MARKER + " Squatter");
        send(TopicNames.PROFILES, taken, profile(taken, MARKER + "_held"));
        send(TopicNames.PROFILES, badFormat, profile(badFormat, MARKER.toUpperCase(Locale.ROOT) + "-Bad"));

        awaitDeadLetter("sink", "rejected-by-database", taken);
        awaitDeadLetter("sink", "rejected-by-database", badFormat);
    }

    @Test
    void shouldLogTheSinksDeadLetterAsAJsonLineWithItsPositionAndUserIdOnly() throws Exception {
        String squatter = UUID.randomUUID().toString();
        String rejected = UUID.randomUUID().toString();
        execute("insert into public.users (id, email, username, full_name, source_lsn) values (?::uuid, ?, ?, ?, 1)",
                squatter, MARKER + ".json@example.com", MARKER + "_json", MARKER + " Json");
        send(TopicNames.PROFILES, rejected, profile(rejected, MARKER + "_json"));
        awaitDeadLetter("sink", "rejected-by-database", rejected);

        JsonNode line = await().atMost(Duration.ofSeconds(30)).until(() -> jsonLineAbout(rejected), node -> node != null);

        assertThat(line.path("level").asText()).isEqualTo("WARN");
        assertThat(line.path(LogFields.STAGE).asText()).isEqualTo("sink");
        assertThat(line.path(LogFields.TOPIC).asText()).isEqualTo(TopicNames.PROFILES);
        assertThat(line.path(LogFields.PARTITION).isInt()).isTrue();
        assertThat(line.path(LogFields.OFFSET).isIntegralNumber()).isTrue();
        assertThat(hasMarker(line.toString())).isFalse();
    }

    private static JsonNode jsonLineAbout(String userId) throws Exception {
        for (String json : log.jsonLines()) {
            JsonNode line = new ObjectMapper().readTree(json);
            if (userId.equals(line.path(LogFields.USER_ID).asText())) {
                return line;
            }
        }
        return null;
    }

    /**
     * The stream processor's global store of existing usernames reads the same record: it skips it and logs only its
     * partition and offset ({@code ExistingUsernamesLoader}).
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void shouldKeepTheOffendingInputOfAnUnreadableProfileOutOfTheSinksDeadLetterAndTheLogs() throws Exception {
        String notAProfile = UUID.randomUUID().toString();
        send(TopicNames.PROFILES, notAProfile, "{\"id\":\"" + notAProfile + "\",\"email\":" + MARKER + "}");

        awaitDeadLetter("sink", "not-a-profile", notAProfile);
    }

    @Test
    void shouldKeepPersonalDataOutOfLogsWhileTheDatabaseIsDownDuringAWrite() throws Exception {
        String user = UUID.randomUUID().toString();
        application.embedded().postgres().stop();
        try {
            send(TopicNames.PROFILES, user, profile(user, MARKER + "_outage"));
            await().atMost(Duration.ofMinutes(1)).until(() -> application.pipeline().health().stream()
                    .anyMatch(stage -> stage.stage().equals("sink") && !stage.up()));
        } finally {
            application.embedded().postgres().start();
        }

        await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(() -> (MARKER + "_outage").equals(username(user)));
        await().atMost(Duration.ofMinutes(1)).until(() -> application.pipeline().health().stream()
                .allMatch(StageHealth::up));
    }

    private static String profile(String id, String username) throws Exception {
        return new ObjectMapper().writeValueAsString(new UserProfile(id, MARKER + "." + username + "@example.com", username,
                MARKER + " Full Name", "https://example.com/" + MARKER + ".png", "email", List.of("email"), true, false,
                null, null, null, 10, System.currentTimeMillis(), false));
    }

    private static boolean hasMarker(String text) {
        return text.toLowerCase(Locale.ROOT).contains(MARKER);
    }

    /** Waits for the dead letter of this key from this stage, for this reason (any when null). */
    private static void awaitDeadLetter(String stage, String reason, String key) {
        await().atMost(Duration.ofMinutes(1)).until(() -> deadLetters().stream().anyMatch(record ->
                record.key() != null && record.key().contains(key)
                        && stage.equals(header(record, "usersync.dlt.stage"))
                        && (reason == null || reason.equals(header(record, "usersync.dlt.reason")))));
    }

    private static List<ConsumerRecord<String, byte[]>> deadLetters() {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config().kafkaBootstrapServers().orElseThrow()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TopicNames.DEAD_LETTERS).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static List<String> deadLetterHeaders() {
        List<String> headers = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : deadLetters()) {
            for (Header header : record.headers()) {
                headers.add(header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return headers;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void send(String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                config().kafkaBootstrapServers().orElseThrow()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private static AppConfig config() {
        return application.config();
    }

    private static Connection connect() throws SQLException {
        return TestDatabase.dataSource(config().database().orElseThrow()).getConnection();
    }

    private static void execute(String sql, String... parameters) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setString(i + 1, parameters[i]);
            }
            s.executeUpdate();
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
