package io.usersync.capture;

import static io.usersync.schemas.testing.JsonSchemaAssertions.CDC;
import static io.usersync.schemas.testing.JsonSchemaAssertions.assertValid;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.usersync.capture.preflight.CaptureStartupException;
import io.usersync.capture.resync.ResyncSignal;
import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.ErasureBound;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.kafka.KafkaClientSettings;
import io.usersync.schemas.testing.AuthUsersTable;
import io.usersync.schemas.testing.TestDatabase;

class CaptureIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String GOOGLE_META = "{\"iss\":\"https://accounts.google.com\",\"name\":\"Ada Lovelace\","
            + "\"picture\":\"https://lh3.googleusercontent.com/a/x\",\"email_verified\":true,\"nested\":{\"n\":[1,2,3]}}";
    private static final String GOOGLE_APP_META = "{\"provider\":\"google\",\"providers\":[\"google\"]}";

    private static final String SECRETS = "update auth.users set encrypted_password = 'secret-marker-hash',"
            + " confirmation_token = 'secret-marker-1', recovery_token = 'secret-marker-2',"
            + " email_change_token_new = 'secret-marker-3', email_change = 'secret-marker@example.org',"
            + " phone_change_token = 'secret-marker-4', reauthentication_token = 'secret-marker-5' where id = '%s'";

    private static EmbeddedKafkaBroker kafka;
    private static EmbeddedPostgresServer postgres;

    private final List<CaptureStage> stages = new ArrayList<>();
    private final List<TestDatabase> databases = new ArrayList<>();

    @BeforeAll
    static void startServers() {
        kafka = EmbeddedKafkaBroker.startTemporary();
        postgres = EmbeddedPostgresServer.startTemporary();
    }

    @AfterAll
    static void stopServers() {
        kafka.close();
        postgres.close();
    }

    @AfterEach
    void stopCaptureAndDropSlots() throws SQLException {
        stages.forEach(CaptureStage::close);
        for (TestDatabase database : databases) {
            database.execute("select pg_drop_replication_slot(slot_name) from pg_replication_slots"
                    + " where slot_name = '" + database.name() + "'");
        }
    }

    @Test
    void shouldPublishEveryKindOfChangeInCommitOrderPerUserKeyedById() throws Exception {
        TestDatabase database = migratedDatabase();
        CaptureConfig config = config(database);
        start(config);
        AuthUsersTable users = new AuthUsersTable(database);

        UUID ada = users.signUp("ada@example.com", GOOGLE_META, GOOGLE_APP_META);
        UUID bob = users.signUp("bob@example.com", "{}", "{\"provider\":\"email\",\"providers\":[\"email\"]}");
        users.setEmail(ada, "ada.lovelace@example.com");
        users.setUserMetadata(ada, "{\"name\":\"Ada King\"}");
        users.softDelete(bob);
        users.delete(ada);

        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), config.topic())) {
            List<ConsumerRecord<String, String>> records = reader.awaitAtLeast(8);
            Map<String, List<String>> opsByUser = records.stream().collect(groupingBy(ConsumerRecord::key,
                    mapping(record -> record.value() == null ? "tombstone" : json(record.value()).get("op").asText(), toList())));

            assertThat(opsByUser).containsOnlyKeys(ada.toString(), bob.toString());
            assertThat(opsByUser.get(ada.toString())).containsExactly("c", "u", "u", "d", "tombstone");
            // A soft delete is followed by a tombstone too: compaction keeps nothing of the row.
            assertThat(opsByUser.get(bob.toString())).containsExactly("c", "u", "tombstone");

            JsonNode adaCreated = json(records.stream().filter(r -> r.key().equals(ada.toString())).findFirst().orElseThrow().value());
            assertThat(json(adaCreated.at("/after/raw_user_meta_data").asText())).isEqualTo(json(GOOGLE_META));
            assertThat(adaCreated.at("/after/email").asText()).isEqualTo("ada@example.com");

            List<JsonNode> adaChanges = valuesOf(records, ada);
            assertThat(adaChanges.get(1).at("/after/email").asText()).isEqualTo("ada.lovelace@example.com");
            assertThat(json(adaChanges.get(2).at("/after/raw_user_meta_data").asText())).isEqualTo(json("{\"name\":\"Ada King\"}"));
            assertThat(valuesOf(records, bob).get(1).at("/after/deleted_at").isTextual()).isTrue();
            records.stream().filter(r -> r.value() != null).forEach(r -> assertValid(CDC, r.value()));
        }
    }

    @Test
    void shouldSendExistingRowsAsSnapshotReadsThenStreamWithoutGapOrDuplicate() throws Exception {
        TestDatabase database = migratedDatabase();
        AuthUsersTable users = new AuthUsersTable(database);
        Set<String> existing = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            existing.add(users.signUp("before" + i + "@example.com", "{}", "{}").toString());
        }
        CaptureConfig config = config(database);
        start(config);
        Set<String> added = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            added.add(users.signUp("after" + i + "@example.com", "{}", "{}").toString());
        }
        UUID sentinel = users.signUp("sentinel@example.com", "{}", "{}");

        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), config.topic())) {
            List<ConsumerRecord<String, String>> records = reader.awaitAtLeast(101);
            Map<String, List<String>> opsByUser = records.stream().collect(groupingBy(ConsumerRecord::key,
                    mapping(record -> json(record.value()).get("op").asText(), toList())));

            assertThat(records).hasSize(101);
            existing.forEach(id -> assertThat(opsByUser.get(id)).as(id).containsExactly("r"));
            added.forEach(id -> assertThat(opsByUser.get(id)).as(id).containsExactly("c"));
            assertThat(opsByUser.get(sentinel.toString())).containsExactly("c");
        }
    }

    @Test
    void shouldReportTheInitialLoadAsItsRowsOfTheTableAndNotTheChangesStreamedAfterIt() throws Exception {
        TestDatabase database = migratedDatabase();
        AuthUsersTable users = new AuthUsersTable(database);
        for (int i = 0; i < 40; i++) {
            users.signUp("loaded" + i + "@example.com", "{}", "{}");
        }
        CaptureConfig config = config(database);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CaptureStage stage = new CaptureStage(config, TestDatabase.dataSource(config.database()));
        stages.add(stage);
        stage.bindTo(registry);
        stage.start();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(registry.get(LoadMeters.RUNNING).gauge().value()).as("running").isZero();
            assertThat(registry.get(LoadMeters.LOADED).gauge().value()).as("loaded").isEqualTo(40);
        });
        assertThat(registry.get(LoadMeters.TOTAL).gauge().value()).as("total").isEqualTo(40);

        for (int i = 0; i < 5; i++) {
            users.signUp("streamed" + i + "@example.com", "{}", "{}");
        }
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), config.topic())) {
            reader.awaitAtLeast(45);
        }
        assertThat(registry.get(LoadMeters.LOADED).gauge().value()).as("loaded after streaming").isEqualTo(40);
        assertThat(registry.get(LoadMeters.RUNNING).gauge().value()).as("running after streaming").isZero();
    }

    @Test
    void shouldPublishTimestampsInUtcWithMicrosecondsAsPostgresHoldsThem() throws Exception {
        TestDatabase database = migratedDatabase();
        AuthUsersTable users = new AuthUsersTable(database);
        UUID existing = users.signUp("existing@example.com", "{}", "{}");
        // Written with an offset of 5:45, one on a whole second, one with a fraction PostgreSQL prints as ".5".
        database.execute("update auth.users set email_confirmed_at = '2026-12-01 09:10:17+05:45',"
                + " last_sign_in_at = '2026-12-01 09:10:17.5+05:45' where id = '" + existing + "'");
        CaptureConfig config = config(database);
        start(config);
        UUID streamed = users.signUp("streamed@example.com", "{}", "{}");
        database.execute("update auth.users set last_sign_in_at = '0099-12-31 23:59:59.000001+00' where id = '" + streamed + "'");

        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), config.topic())) {
            List<ConsumerRecord<String, String>> records = reader.awaitAtLeast(3);
            JsonNode read = valuesOf(records, existing).get(0);
            assertThat(read.get("op").asText()).isEqualTo("r");
            assertThat(read.at("/after/email_confirmed_at").asText()).isEqualTo("2026-12-01T03:25:17.000000Z");
            assertThat(read.at("/after/last_sign_in_at").asText()).isEqualTo("2026-12-01T03:25:17.500000Z");
            assertThat(read.at("/after/created_at").asText()).isEqualTo(utcText(database, existing, "created_at"));
            List<JsonNode> changes = valuesOf(records, streamed);
            assertThat(changes.get(0).at("/after/created_at").asText()).isEqualTo(utcText(database, streamed, "created_at"));
            assertThat(changes.get(1).at("/after/last_sign_in_at").asText()).isEqualTo("0099-12-31T23:59:59.000001Z");
        }
    }

    /** PostgreSQL's own rendering of a timestamptz column in UTC with microseconds. */
    private static String utcText(TestDatabase database, UUID id, String column) throws SQLException {
        try (Connection connection = database.connect();
                PreparedStatement query = connection.prepareStatement("select to_char(" + column
                        + " at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') from auth.users where id = ?")) {
            query.setObject(1, id);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void shouldDeliverEveryChangeMadeWhileStoppedOnceAfterRestart() throws Exception {
        TestDatabase database = migratedDatabase();
        AuthUsersTable users = new AuthUsersTable(database);
        CaptureConfig config = config(database);
        CaptureStage first = start(config);
        UUID early = users.signUp("early@example.com", "{}", "{}");
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), config.topic())) {
            reader.awaitAtLeast(1);
        }
        first.close();

        List<UUID> whileStopped = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            UUID id = users.signUp("stopped" + i + "@example.com", "{}", "{}");
            users.setUserMetadata(id, "{\"name\":\"Person " + i + "\"}");
            whileStopped.add(id);
        }
        start(config);
        UUID sentinel = users.signUp("sentinel@example.com", "{}", "{}");

        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), config.topic())) {
            List<ConsumerRecord<String, String>> records = reader.awaitAtLeast(102);
            assertThat(records).extracting(ConsumerRecord::key).contains(sentinel.toString());
            assertThat(records).hasSize(102);
            Set<String> distinct = new HashSet<>();
            records.forEach(r -> distinct.add(r.key() + "@" + json(r.value()).at("/source/lsn").asLong()));
            assertThat(distinct).hasSize(102);
            Map<String, List<String>> opsByUser = records.stream().collect(groupingBy(ConsumerRecord::key,
                    mapping(record -> json(record.value()).get("op").asText(), toList())));
            assertThat(opsByUser.get(early.toString())).containsExactly("c");
            whileStopped.forEach(id -> assertThat(opsByUser.get(id.toString())).containsExactly("c", "u"));
        }
    }

    @Test
    void shouldNeverPublishPasswordHashesOrTokens() throws Exception {
        TestDatabase database = migratedDatabase();
        AuthUsersTable users = new AuthUsersTable(database);
        UUID existing = users.signUp("old@example.com", GOOGLE_META, GOOGLE_APP_META);
        database.execute(SECRETS.formatted(existing));
        CaptureConfig config = config(database);
        start(config);
        UUID signedUp = users.signUp("new@example.com", GOOGLE_META, GOOGLE_APP_META);
        database.execute(SECRETS.formatted(signedUp));

        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), config.topic())) {
            // The snapshot read of one user, and the insert and the update of the other.
            List<ConsumerRecord<String, String>> records = reader.awaitAtLeast(3);

            assertThat(records).allSatisfy(record -> assertThat(record.value())
                    .contains("@example.com")
                    .doesNotContain("secret-marker", "encrypted_password", "_token", "email_change\""));
        }
    }

    @Test
    void shouldReadWhoHoldsWhichUsernameInPublicUsersOnceInTheInitialSnapshotAndNothingElseOfIt() throws Exception {
        TestDatabase database = migratedDatabase();
        CaptureConfig config = config(database);
        String id = UUID.randomUUID().toString();
        insertProfile(database.connect(), id, "legacy_name");
        start(config);

        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), config.reservationsTopic())) {
            ConsumerRecord<String, String> record = reader.awaitAtLeast(1).get(0);
            JsonNode value = json(record.value());

            assertThat(record.key()).isEqualTo(id);
            assertThat(value.get("op").asText()).isEqualTo("r");
            assertThat(value.get("after").get("username").asText()).isEqualTo("legacy_name");
            assertThat(value.get("after").has("email")).isFalse();
            assertThat(value.get("after").has("full_name")).isFalse();
        }
    }

    @Test
    void shouldAnnounceUsernamesSetOutsideThePipelineAndNotTheSinksOwnWrites() throws Exception {
        TestDatabase database = migratedDatabase();
        CaptureConfig config = config(database);
        start(config);
        String renamed = UUID.randomUUID().toString();
        String inserted = UUID.randomUUID().toString();
        Properties sink = new Properties();
        sink.setProperty("user", database.user());
        sink.setProperty("password", database.password());
        sink.setProperty("ApplicationName", "usersync-sink");
        try (Connection sinkConnection = DriverManager.getConnection(database.jdbcUrl(), sink)) {
            insertProfile(sinkConnection, renamed, "from_the_sink");
        }
        try (Connection sinkConnection = DriverManager.getConnection(database.jdbcUrl(), sink)) {
            sinkConnection.createStatement().execute("update public.users set username = 'renamed_by_the_sink' where id = '"
                    + renamed + "'");
        }
        database.execute("update public.users set full_name = 'No Username Change' where id = '" + renamed + "'",
                "update public.users set username = 'renamed_by_the_app' where id = '" + renamed + "'");
        insertProfile(database.connect(), inserted, "inserted_by_the_app");

        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), config.reservationsTopic())) {
            // Per user in commit order: had the sink's writes been announced, they would come before the app's.
            List<ConsumerRecord<String, String>> records = reader.awaitAtLeast(2);

            assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(renamed, inserted);
            assertThat(records).extracting(record -> announced(record.value()).get("username").asText())
                    .containsExactlyInAnyOrder("renamed_by_the_app", "inserted_by_the_app");
            assertThat(records).allSatisfy(record -> {
                assertThat(json(record.value()).get("op").asText()).isEqualTo("m");
                assertThat(announced(record.value()).get("id").asText()).isEqualTo(record.key());
                assertThat(record.value()).doesNotContain("example.com", "No Username Change");
            });
        }
        assertThat(publishedTables(database, config)).doesNotContain("public.users");
    }

    @Test
    void shouldTakePublicUsersOutOfAPublicationThatAnOlderVersionLeftWithIt() throws Exception {
        TestDatabase database = migratedDatabase();
        CaptureConfig config = config(database);
        database.execute("create publication " + config.publicationName() + " for table auth.users, public.users,"
                + " usersync.capture_heartbeat, usersync.capture_signal");

        start(config);

        assertThat(publishedTables(database, config))
                .containsExactlyInAnyOrder("auth.users", "usersync.capture_heartbeat", "usersync.capture_signal");
    }

    @Test
    void shouldReReadOnlyTheSignalledUserAsASnapshotRead() throws Exception {
        TestDatabase database = migratedDatabase();
        CaptureConfig config = config(database);
        start(config);
        AuthUsersTable users = new AuthUsersTable(database);
        UUID target = users.signUp("target@example.com", GOOGLE_META, GOOGLE_APP_META);
        UUID other = users.signUp("other@example.com", "{}", "{}");

        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), config.topic())) {
            reader.awaitAtLeast(2);
            new ResyncSignal(database.dataSource()).requestUsers(List.of(target));
            UUID sentinel = users.signUp("sentinel@example.com", "{}", "{}");
            List<ConsumerRecord<String, String>> records = reader.awaitAtLeast(4);

            Map<String, List<String>> opsByUser = records.stream().collect(groupingBy(ConsumerRecord::key,
                    mapping(record -> json(record.value()).get("op").asText(), toList())));
            assertThat(opsByUser.get(target.toString())).containsExactly("c", "r");
            assertThat(opsByUser.get(other.toString())).containsExactly("c");
            assertThat(opsByUser.get(sentinel.toString())).containsExactly("c");
            JsonNode reread = valuesOf(records, target).get(1);
            assertThat(json(reread.at("/after/raw_user_meta_data").asText())).isEqualTo(json(GOOGLE_META));
            assertValid(CDC, records.stream().filter(r -> r.key().equals(target.toString())).toList().get(1).value());
        }
    }

    @Test
    void shouldRefuseToStartOnAServerWithoutLogicalWalAndNameTheFix() {
        try (EmbeddedPostgresServer replica = EmbeddedPostgresServer.startTemporary("replica")) {
            TestDatabase database = TestDatabase.migrated(replica);
            CaptureStage stage = new CaptureStage(config(database), database.dataSource());
            stages.add(stage);

            assertThatThrownBy(stage::start)
                    .isInstanceOf(CaptureStartupException.class)
                    .hasMessageContaining("wal_level=replica")
                    .hasMessageContaining("ALTER SYSTEM SET wal_level = logical");
        }
    }

    @Test
    void shouldReportEveryProblemInOneMessage() throws SQLException {
        TestDatabase database = TestDatabase.empty(postgres);
        database.execute("create role capture_no_replication login password 'x'");
        CaptureConfig base = config(database);
        CaptureConfig config = new CaptureConfig(
                new DatabaseSettings(database.jdbcUrl(), "capture_no_replication", "x"),
                KafkaClientSettings.bootstrapServers("127.0.0.1:1"), base.topic(), base.reservationsTopic(), 1, base.slotName(),
                base.publicationName(), base.offsets(),
                base.pollInterval(), base.maxBatchSize(), base.heartbeatInterval(), base.debezium());
        CaptureStage stage = new CaptureStage(config, TestDatabase.dataSource(config.database()));
        stages.add(stage);

        assertThatThrownBy(stage::start)
                .isInstanceOfSatisfying(CaptureStartupException.class, e -> assertThat(e.problems()).hasSize(5))
                .hasMessageContaining("ALTER ROLE capture_no_replication WITH REPLICATION")
                .hasMessageContaining("table auth.users does not exist")
                .hasMessageContaining("usersync migrate")
                .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
    }

    /**
     * Capture's own heartbeat interval is 10 s: four distinct heartbeats within 5 s can only come from the
     * interval passed through as {@code USERSYNC_CAPTURE_DEBEZIUM_HEARTBEAT_INTERVAL_MS}.
     */
    @Test
    void shouldGiveTheRunningConnectorADebeziumPropertyPassedThrough() throws Exception {
        TestDatabase database = migratedDatabase();
        CaptureConfig base = config(database);
        String property = DebeziumSettings.property("USERSYNC_CAPTURE_DEBEZIUM_HEARTBEAT_INTERVAL_MS");
        CaptureConfig config = new CaptureConfig(base.database(), base.kafka(), base.topic(), base.reservationsTopic(),
                base.topicPartitions(), base.slotName(), base.publicationName(), base.offsets(), base.pollInterval(),
                base.maxBatchSize(), base.heartbeatInterval(), new DebeziumSettings(Map.of(property, "200")));
        assertThat(config.heartbeatInterval()).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
        start(config);
        // Debezium beats once it has streamed a change: one sign-up.
        new AuthUsersTable(database).signUp("heartbeat@example.com", "{}", "{}");
        Set<Timestamp> beats = new HashSet<>();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            try (Connection connection = database.connect(); ResultSet rs = connection.createStatement()
                    .executeQuery("select beat_at from usersync.capture_heartbeat")) {
                while (rs.next()) {
                    beats.add(rs.getTimestamp(1));
                }
            }
            assertThat(beats).hasSizeGreaterThanOrEqualTo(4);
        });
    }

    /** Before: RecordTooLargeException stopped capture for good, and no change after the big one was published. */
    @Test
    void shouldPublishWhatFitsOfAUserWithTwoMegabytesOfMetadataWithADeadLetterAndGoOn() throws Exception {
        TestDatabase database = migratedDatabase();
        CaptureConfig config = config(database);
        start(config);
        AuthUsersTable users = new AuthUsersTable(database);
        String bigMeta = "{\"full_name\":\"Big Meta\",\"bio\":\"" + "b".repeat(2 * 1024 * 1024) + "\"}";

        UUID before = users.signUp("before@example.com", "{}", "{}");
        UUID big = users.signUp("big@example.com", bigMeta, GOOGLE_APP_META);
        UUID after = users.signUp("after@example.com", "{\"name\":\"After\"}", "{}");
        users.setEmail(before, "before.2@example.com");

        try (TopicReader changes = new TopicReader(kafka.bootstrapServers(), config.topic());
                TopicReader deadLetters = new TopicReader(kafka.bootstrapServers(), config.deadLetterTopic())) {
            List<ConsumerRecord<String, String>> records = changes.awaitAtLeast(4);
            assertThat(records).extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrder(before.toString(), big.toString(), after.toString(), before.toString());
            JsonNode bigChange = valuesOf(records, big).get(0);
            assertThat(bigChange.at("/after/raw_user_meta_data").asText()).isEqualTo("{}");
            assertThat(bigChange.at("/after/email").asText()).isEqualTo("big@example.com");
            assertThat(json(bigChange.at("/after/raw_app_meta_data").asText())).isEqualTo(json(GOOGLE_APP_META));
            assertValid(CDC, records.stream().filter(r -> r.key().equals(big.toString())).findFirst().orElseThrow().value());

            ConsumerRecord<String, String> deadLetter = deadLetters.awaitAtLeast(1).get(0);
            assertThat(deadLetter.key()).isEqualTo(big.toString());
            assertThat(header(deadLetter, "usersync.dlt.stage")).isEqualTo("capture");
            assertThat(header(deadLetter, "usersync.dlt.reason")).isEqualTo("record-too-large");
            assertThat(header(deadLetter, "usersync.dlt.source.offset")).isEqualTo(bigChange.at("/source/lsn").asText());
            assertThat(header(deadLetter, "usersync.dlt.error.message")).contains("raw_user_meta_data").doesNotContain("Big Meta");
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void shouldReportTheReplicationSlotLagInBytes() throws Exception {
        TestDatabase database = migratedDatabase();
        CaptureConfig config = config(database);
        start(config);
        ReplicationSlotLag lag = new ReplicationSlotLag(database.dataSource(), config.slotName());

        assertThat(lag.bytes()).isGreaterThanOrEqualTo(0);
        assertThat(new ReplicationSlotLag(database.dataSource(), "no_such_slot").bytes()).isEqualTo(-1);
    }

    private TestDatabase migratedDatabase() {
        TestDatabase database = TestDatabase.migrated(postgres);
        databases.add(database);
        return database;
    }

    private CaptureStage start(CaptureConfig config) {
        CaptureStage stage = new CaptureStage(config, TestDatabase.dataSource(config.database()));
        stages.add(stage);
        stage.start();
        return stage;
    }

    private static CaptureConfig config(TestDatabase database) {
        return new CaptureConfig(
                database.settings(),
                KafkaClientSettings.bootstrapServers(kafka.bootstrapServers()), "cdc." + database.name(),
                "reservations." + database.name(), 3,
                database.name(), "usersync",
                new CaptureConfig.OffsetStore.KafkaTopic("offsets." + database.name()),
                CaptureConfig.DEFAULT_POLL_INTERVAL, CaptureConfig.DEFAULT_MAX_BATCH_SIZE,
                CaptureConfig.DEFAULT_HEARTBEAT_INTERVAL, DebeziumSettings.NONE, "dlt." + database.name(),
                ErasureBound.DEFAULT);
    }

    private static List<JsonNode> valuesOf(List<ConsumerRecord<String, String>> records, UUID id) {
        return records.stream().filter(r -> r.key().equals(id.toString()) && r.value() != null)
                .map(r -> json(r.value())).toList();
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void insertProfile(Connection connection, String id, String username) throws SQLException {
        try (connection; PreparedStatement insert = connection.prepareStatement("insert into public.users"
                + " (id, email, username, full_name, source_lsn) values (?::uuid, ?, ?, 'Some Person', 0)")) {
            insert.setString(1, id);
            insert.setString(2, username + "@example.com");
            insert.setString(3, username);
            insert.executeUpdate();
        }
    }

    /** The {@code {"id", "username"}} an announcement carries, base64 in its {@code message.content}. */
    private static JsonNode announced(String value) {
        try {
            return MAPPER.readTree(json(value).get("message").get("content").binaryValue());
        } catch (java.io.IOException e) {
            throw new AssertionError("not an announcement: " + value, e);
        }
    }

    private static List<String> publishedTables(TestDatabase database, CaptureConfig config) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection connection = database.connect(); ResultSet rs = connection.createStatement().executeQuery(
                "select schemaname || '.' || tablename from pg_publication_tables where pubname = '"
                        + config.publicationName() + "'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }
}
