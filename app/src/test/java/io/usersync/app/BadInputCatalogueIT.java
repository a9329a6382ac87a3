package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigLoader;
import io.usersync.app.run.Application;
import io.usersync.app.run.StageConfigs;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.profile.UserProfile;
import io.usersync.schemas.testing.AuthUsersTable;

/**
 * Every class of bad input, through the real pipeline (embedded broker and PostgreSQL, all three stages), once
 * started for all. Each input lands where it should: a profile, nothing, or a dead letter of the right stage and
 * reason; and a good sign-up made after it is synced, so no input stopped a stage. Inputs named "ProducedTo..."
 * are written straight to a topic (PostgreSQL cannot hold them, or only a forged record can carry them); the
 * others are rows of {@code auth.users}.
 */
class BadInputCatalogueIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(1);
    private static final String CAPTURE = "capture";
    private static final String PROCESSOR = "stream-processor";
    private static final String SINK = "sink";
    private static final String EMAIL_APP_META = "{\"provider\":\"email\",\"providers\":[\"email\"]}";

    private static final AtomicInteger GOOD = new AtomicInteger();
    private static final List<ConsumerRecord<String, byte[]>> DEAD_LETTERS = new ArrayList<>();
    private static Application application;
    private static KafkaConsumer<String, byte[]> deadLetterReader;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        application = Application.start(ConfigLoader.load(Map.of(
                "USERSYNC_DATA_DIR", Files.createTempDirectory("usersync-bad-input-it").toString(),
                "USERSYNC_HTTP_PORT", "0", "USERSYNC_PARTITIONS", "3", "USERSYNC_RECONCILE_INTERVAL_S", "0",
                // A profile whose username stays taken is dead-lettered after a second, not after the default wait.
                "USERSYNC_SINK_USERNAME_WAIT_MS", "1000"), Map.of()));
        String bootstrap = config().kafkaBootstrapServers().orElseThrow();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new ByteArraySerializer());
        deadLetterReader = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringDeserializer(), new ByteArrayDeserializer());
        await().atMost(WAIT).ignoreExceptions().until(() -> !deadLetterReader.partitionsFor(TopicNames.DEAD_LETTERS).isEmpty());
        List<TopicPartition> partitions = deadLetterReader.partitionsFor(TopicNames.DEAD_LETTERS).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        deadLetterReader.assign(partitions);
        deadLetterReader.seekToBeginning(partitions);
    }

    @AfterAll
    static void stop() {
        deadLetterReader.close();
        producer.close();
        application.close();
    }

    /** The stages went on: a sign-up made after the bad input is synced. */
    @AfterEach
    void aGoodSignUpAfterItIsSynced() throws Exception {
        int n = GOOD.incrementAndGet();
        UUID good = signUp("good" + n + "@example.com", "{\"full_name\":\"Good " + n + "\"}", EMAIL_APP_META);
        assertThat(awaitRow(good)).containsEntry("full_name", "Good " + n).containsEntry("username", "good" + n);
    }

    // Rows of auth.users.

    @Test
    void shouldGiveAProfileWithoutNameAvatarOrProviderToMetadataOfWrongJsonTypes() throws Exception {
        UUID id = signUp("wrongtypes@example.com", "{\"full_name\":123,\"name\":[\"Ada\"],\"avatar_url\":{\"u\":1},\"picture\":true}",
                "{\"provider\":7,\"providers\":\"google\"}");

        Map<String, Object> row = awaitRow(id);
        assertThat(row).containsEntry("username", "wrongtypes").containsEntry("full_name", null)
                .containsEntry("avatar_url", null).containsEntry("provider", null).containsEntry("providers", null);
    }

    @Test
    void shouldDeadLetterUserMetadataThatIsAJsonArrayAsUnreadable() throws Exception {
        UUID id = signUp("metaarray@example.com", "[1, 2]", EMAIL_APP_META);

        awaitDeadLetter(PROCESSOR, "unreadable-metadata", id.toString());
        assertThat(row(id)).isNull();
    }

    @Test
    void shouldDeadLetterAppMetadataThatIsAJsonStringAsUnreadable() throws Exception {
        UUID id = signUp("metastring@example.com", "{}", "\"email\"");

        awaitDeadLetter(PROCESSOR, "unreadable-metadata", id.toString());
        assertThat(row(id)).isNull();
    }

    @Test
    void shouldDeadLetterMetadataNestedDeeperThanTheJsonParserAllowsAsUnreadable() throws Exception {
        UUID id = signUp("deepmeta@example.com", "{\"full_name\":\"Deep\",\"x\":" + "[".repeat(3000) + "]".repeat(3000) + "}",
                EMAIL_APP_META);

        awaitDeadLetter(PROCESSOR, "unreadable-metadata", id.toString());
        assertThat(row(id)).isNull();
    }

    @Test
    void shouldCutATenThousandCharacterNameTo256CodePoints() throws Exception {
        UUID id = signUp("longname@example.com", "{\"full_name\":\"" + "n".repeat(10_000) + "\"}", EMAIL_APP_META);

        assertThat(awaitRow(id)).containsEntry("full_name", "n".repeat(256));
    }

    @Test
    void shouldKeepEmojiAndCombiningCharactersOfANameAsTheyAre() throws Exception {
        String name = "Zoe\u0308 N\u0303andu\u0301 \uD83D\uDC69\u200D\uD83D\uDC69\u200D\uD83D\uDC67 \uD83C\uDDEB\uD83C\uDDF7";
        UUID id = signUp("emoji@example.com", MAPPER.writeValueAsString(Map.of("full_name", name)), EMAIL_APP_META);

        assertThat(awaitRow(id)).containsEntry("full_name", name);
    }

    @Test
    void shouldNeverSplitASurrogatePairWhenItCutsANameOfTenThousandEmoji() throws Exception {
        UUID id = signUp("manyemoji@example.com", "{\"full_name\":\"" + "\uD83D\uDE00".repeat(10_000) + "\"}", EMAIL_APP_META);

        assertThat(awaitRow(id)).containsEntry("full_name", "\uD83D\uDE00".repeat(256));
    }

    /** 2 + 50 families of 5 code points is 252: the 51st would pass 256, and is left out whole, not cut at a joiner. */
    @Test
    void shouldNeverSplitAnEmojiSequenceWhenItCutsANameOfFamilies() throws Exception {
        String family = "\uD83D\uDC69\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
        UUID id = signUp("families@example.com", MAPPER.writeValueAsString(Map.of("full_name", "ab" + family.repeat(2000))),
                EMAIL_APP_META);

        assertThat(awaitRow(id)).containsEntry("full_name", "ab" + family.repeat(50));
    }

    @Test
    void shouldDropControlAndInvisibleCharactersFromAName() throws Exception {
        UUID id = signUp("controls@example.com", "{\"full_name\":\"Ada\\u202e\\u200b \\t Love\\u0007lace\"}", EMAIL_APP_META);

        assertThat(awaitRow(id)).containsEntry("full_name", "Ada Lovelace");
    }

    @Test
    void shouldSyncWhatFitsOfAUserWithTwoMegabytesOfMetadataAndDeadLetterTheRestAtCapture() throws Exception {
        UUID id = signUp("hugemeta@example.com", "{\"full_name\":\"Huge\",\"bio\":\"" + "b".repeat(2 * 1024 * 1024) + "\"}",
                "{\"provider\":\"google\",\"providers\":[\"google\"]}");

        assertThat(awaitRow(id)).containsEntry("username", "hugemeta").containsEntry("full_name", null)
                .containsEntry("provider", "google");
        ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter(CAPTURE, "record-too-large", id.toString());
        assertThat(header(deadLetter, "usersync.dlt.error.message")).contains("raw_user_meta_data").doesNotContain("Huge");
    }

    // Change events produced straight to the CDC topic.

    @Test
    void shouldDeadLetterTruncatedJsonProducedToTheCdcTopicAsNotJson() throws Exception {
        String id = UUID.randomUUID().toString();
        String change = change(id, 1000, "c", "truncated@example.com", "{}");
        send(TopicNames.CDC, id, change.substring(0, change.length() / 2).getBytes(StandardCharsets.UTF_8));

        awaitDeadLetter(PROCESSOR, "not-json", id);
    }

    @Test
    void shouldDeadLetterInvalidUtf8ProducedToTheCdcTopicAsNotJson() throws Exception {
        String id = UUID.randomUUID().toString();
        byte[] change = change(id, 1000, "c", "utf8@example.com", "{}").getBytes(StandardCharsets.UTF_8);
        String text = new String(change, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("utf8@");
        change[at] = (byte) 0xC3;
        change[at + 1] = (byte) 0x28;

        awaitDeadLetterOf(TopicNames.CDC, id, change, PROCESSOR, "not-json");
    }

    @Test
    void shouldDeadLetterAnEmptyValueProducedToTheCdcTopicAsNotAChangeEvent() throws Exception {
        awaitDeadLetterOf(TopicNames.CDC, UUID.randomUUID().toString(), new byte[0], PROCESSOR, "not-a-change-event");
    }

    @Test
    void shouldDeadLetterAJsonArrayProducedToTheCdcTopicAsNotAChangeEvent() throws Exception {
        awaitDeadLetterOf(TopicNames.CDC, UUID.randomUUID().toString(), "[{\"op\":\"c\"}]".getBytes(StandardCharsets.UTF_8),
                PROCESSOR, "not-a-change-event");
    }

    @Test
    void shouldDeadLetterAnUnknownOpProducedToTheCdcTopicAsNotAChangeEvent() throws Exception {
        String id = UUID.randomUUID().toString();
        awaitDeadLetterOf(TopicNames.CDC, id, bytes(change(id, 1000, "t", "unknownop@example.com", "{}")),
                PROCESSOR, "not-a-change-event");
    }

    @Test
    void shouldDeadLetterAChangeWithoutLsnProducedToTheCdcTopicAsNotAChangeEvent() throws Exception {
        String id = UUID.randomUUID().toString();
        awaitDeadLetterOf(TopicNames.CDC, id, bytes(change(id, 1000, "c", "nolsn@example.com", "{}").replace("\"lsn\":1000", "\"lsn\":null")),
                PROCESSOR, "not-a-change-event");
    }

    @Test
    void shouldDeadLetterAChangeWithoutIdProducedToTheCdcTopicAsMissingId() throws Exception {
        String id = UUID.randomUUID().toString();
        awaitDeadLetterOf(TopicNames.CDC, id, bytes(change(id, 1000, "c", "noid@example.com", "{}").replace("\"id\":\"" + id + "\"", "\"id\":\"\"")),
                PROCESSOR, "missing-id");
    }

    @Test
    void shouldDeadLetterAChangeWhoseIdIsNotAUuidProducedToTheCdcTopicAtTheSink() throws Exception {
        awaitDeadLetterOf(TopicNames.CDC, "user-42", bytes(change("user-42", 1000, "c", "notauuid@example.com", "{}")),
                SINK, "key-not-a-uuid");
    }

    @Test
    void shouldDropNulBytesFromANameProducedToTheCdcTopic() throws Exception {
        String id = UUID.randomUUID().toString();
        send(TopicNames.CDC, id, bytes(change(id, 1000, "c", "nulname@example.com", "{\"full_name\":\"Nul\\u0000Byte\"}")));

        assertThat(awaitRow(id)).containsEntry("full_name", "NulByte");
    }

    @Test
    void shouldDeadLetterANulByteInAnEmailProducedToTheCdcTopicAtTheSink() throws Exception {
        String id = UUID.randomUUID().toString();
        awaitDeadLetterOf(TopicNames.CDC, id, bytes(change(id, 1000, "c", "nul\u0000email@example.com", "{}")),
                SINK, "rejected-by-database");
        assertThat(row(id)).isNull();
    }

    @Test
    void shouldSyncATenThousandCharacterEmailProducedToTheCdcTopicWithAUsernameOfAtMost32Characters() throws Exception {
        String id = UUID.randomUUID().toString();
        String email = "e".repeat(10_000) + "@example.com";
        send(TopicNames.CDC, id, bytes(change(id, 1000, "c", email, "{}")));

        Map<String, Object> row = awaitRow(id);
        assertThat(row).containsEntry("email", email);
        assertThat((String) row.get("username")).matches("^e{3,32}$");
    }

    @Test
    void shouldDropAChangeTombstoneProducedToTheCdcTopicAndKeepTheProfile() throws Exception {
        UUID id = signUp("cdctombstone@example.com", "{\"full_name\":\"Before\"}", EMAIL_APP_META);
        awaitRow(id);
        send(TopicNames.CDC, id.toString(), null);
        execute("update auth.users set raw_user_meta_data = '{\"full_name\":\"After\"}', updated_at = now() where id = ?::uuid", id);

        await().atMost(WAIT).until(() -> row(id) != null && "After".equals(row(id).get("full_name")));
        assertThat(deadLettersOf(id.toString())).isEmpty();
    }

    @Test
    void shouldIgnoreAChangeWithTheSameLsnProducedToTheCdcTopic() throws Exception {
        UUID id = signUp("duplsn@example.com", "{\"full_name\":\"Original\"}", EMAIL_APP_META);
        long lsn = (Long) awaitRow(id).get("source_lsn");
        send(TopicNames.CDC, id.toString(), bytes(change(id.toString(), lsn, "u", "duplsn@example.com", "{\"full_name\":\"Duplicate\"}")));

        assertThat(rowAfterALaterChange(id)).containsEntry("full_name", "Original");
    }

    @Test
    void shouldIgnoreAChangeWithAnEarlierLsnProducedToTheCdcTopic() throws Exception {
        UUID id = signUp("oldlsn@example.com", "{\"full_name\":\"Current\"}", EMAIL_APP_META);
        long lsn = (Long) awaitRow(id).get("source_lsn");
        send(TopicNames.CDC, id.toString(), bytes(change(id.toString(), lsn - 1, "u", "oldlsn@example.com", "{\"full_name\":\"Stale\"}")));

        assertThat(rowAfterALaterChange(id)).containsEntry("full_name", "Current");
    }

    // Records produced straight to the other topics the stages read.

    @Test
    void shouldDeadLetterAProfileWhoseKeyIsNotAUuidProducedToTheProfilesTopicAtTheSink() throws Exception {
        String id = UUID.randomUUID().toString();
        awaitDeadLetterOf(TopicNames.PROFILES, "not-a-uuid-" + id, bytes(profile(id, "keynotuuid")), SINK, "key-not-a-uuid");
    }

    @Test
    void shouldDeadLetterATombstoneWithoutLsnProducedToTheProfilesTopicAtTheSinkAndKeepTheRow() throws Exception {
        UUID id = signUp("nolsntombstone@example.com", "{}", EMAIL_APP_META);
        awaitRow(id);

        awaitDeadLetterOf(TopicNames.PROFILES, id.toString(), null, SINK, "tombstone-without-lsn");
        assertThat(row(id)).isNotNull();
    }

    @Test
    void shouldDeadLetterANullAmongProvidersProducedToTheProfilesTopicAtTheSink() throws Exception {
        String id = UUID.randomUUID().toString();
        awaitDeadLetterOf(TopicNames.PROFILES, id, bytes(profile(id, "nullprovider").replace("[\"email\"]", "[null]")),
                SINK, "not-a-profile");
    }

    /** The stream processor reads the profiles topic too, into its global store: it must skip the record, not stop. */
    @Test
    void shouldDeadLetterAnUnreadableProfileProducedToTheProfilesTopicAtTheSinkAndKeepTheProcessorRunning() throws Exception {
        String id = UUID.randomUUID().toString();
        awaitDeadLetterOf(TopicNames.PROFILES, id, bytes("{\"id\":\"" + id + "\",\"username\":"), SINK, "not-a-profile");
    }

    @Test
    void shouldDeadLetterAnUnreadableClaimProducedToTheClaimsTopicAsDeserializationFailed() throws Exception {
        String root = "root" + UUID.randomUUID().toString().substring(0, 8);
        awaitDeadLetterOf(StageConfigs.processor(config()).claimsTopic(), root, bytes("{\"type\":\"claim\",\"user_id\":"),
                PROCESSOR, "deserialization-failed");
    }

    @Test
    void shouldDeadLetterAReservationThatIsNotJsonProducedToTheReservationsTopic() throws Exception {
        String id = UUID.randomUUID().toString();
        awaitDeadLetterOf(TopicNames.USERNAME_RESERVATIONS, id, bytes("{\"op\":\"c\",\"after\":{\"username\":"), PROCESSOR, "not-json");
    }

    // Helpers.

    /** A change event as capture publishes it, of a user with this email and user metadata. */
    private static String change(String id, long lsn, String op, String email, String userMeta) throws Exception {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("email", email);
        row.put("raw_app_meta_data", EMAIL_APP_META);
        row.put("raw_user_meta_data", userMeta);
        row.put("created_at", "2026-01-01T00:00:00Z");
        row.put("updated_at", "2026-01-01T00:00:00Z");
        row.put("is_anonymous", false);
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("before", null);
        change.put("after", row);
        change.put("source", Map.of("lsn", lsn, "ts_ms", System.currentTimeMillis(), "schema", "auth", "table", "users"));
        change.put("op", op);
        change.put("ts_ms", System.currentTimeMillis());
        return MAPPER.writeValueAsString(change);
    }

    private static String profile(String id, String username) throws Exception {
        return MAPPER.writeValueAsString(new UserProfile(id, username + "@example.com", username, "Some One", null, "email",
                List.of("email"), true, false, null, null, null, 10, System.currentTimeMillis(), false));
    }

    /** The user's row once a later change of another column (the email) is synced: the input before it was processed. */
    private static Map<String, Object> rowAfterALaterChange(UUID id) throws Exception {
        String email = "later." + id + "@example.com";
        execute("update auth.users set email = ?, updated_at = now() where id = ?::uuid", email, id);
        await().atMost(WAIT).until(() -> email.equals(row(id).get("email")));
        return row(id);
    }

    private static void awaitDeadLetterOf(String topic, String key, byte[] value, String stage, String reason) throws Exception {
        send(topic, key, value);
        awaitDeadLetter(stage, reason, key);
    }

    private static ConsumerRecord<String, byte[]> awaitDeadLetter(String stage, String reason, String key) {
        await().atMost(WAIT).until(() -> deadLettersOf(key).stream().anyMatch(letter ->
                stage.equals(header(letter, "usersync.dlt.stage")) && reason.equals(header(letter, "usersync.dlt.reason"))));
        List<ConsumerRecord<String, byte[]>> letters = deadLettersOf(key);
        assertThat(letters).as("dead letters of " + key).extracting(letter -> header(letter, "usersync.dlt.stage") + "/"
                + header(letter, "usersync.dlt.reason")).containsOnly(stage + "/" + reason);
        return letters.get(0);
    }

    private static List<ConsumerRecord<String, byte[]>> deadLettersOf(String key) {
        deadLetterReader.poll(Duration.ofMillis(200)).forEach(DEAD_LETTERS::add);
        return DEAD_LETTERS.stream().filter(letter -> key.equals(letter.key())).toList();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    private static UUID signUp(String email, String userMeta, String appMeta) throws SQLException {
        return new AuthUsersTable(BadInputCatalogueIT::connect).signUp(email, userMeta, appMeta);
    }

    private static Map<String, Object> awaitRow(Object id) throws SQLException {
        await().atMost(WAIT).until(() -> row(id) != null);
        return row(id);
    }

    /** The user's row in public.users (providers as text), null when there is none. */
    private static Map<String, Object> row(Object id) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("select id::text, email, username, full_name,"
                + " avatar_url, provider, providers::text as providers, source_lsn from public.users where id::text = ?")) {
            s.setString(1, id.toString());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                ResultSetMetaData columns = rs.getMetaData();
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= columns.getColumnCount(); i++) {
                    row.put(columns.getColumnLabel(i), rs.getObject(i));
                }
                return row;
            }
        }
    }

    private static void execute(String sql, Object... parameters) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setString(i + 1, parameters[i].toString());
            }
            s.executeUpdate();
        }
    }

    private static AppConfig config() {
        return application.config();
    }

    private static Connection connect() throws SQLException {
        return application.database().getConnection();
    }
}
