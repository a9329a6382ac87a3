package io.usersync.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.kafka.KafkaClientSettings;
import io.usersync.schemas.kafka.SegmentMarker;
import io.usersync.schemas.profile.ProfileHeaders;
import io.usersync.schemas.profile.UserProfile;
import io.usersync.schemas.testing.TestDatabase;
import io.usersync.sink.deadletter.DeadLetterReasons;

class SinkIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static EmbeddedKafkaBroker kafka;
    private static EmbeddedPostgresServer postgres;

    private final List<SinkStage> stages = new ArrayList<>();
    private final Map<SinkStage, SimpleMeterRegistry> registries = new HashMap<>();

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
    void closeStages() {
        stages.forEach(SinkStage::close);
    }

    /** A profile or a tombstone as the stream processor publishes it. */
    private record Change(String id, String username, String fullName, long lsn, boolean delete) {
    }

    @Test
    void shouldMakePublicUsersEqualTheLatestProfileOfEveryUser() throws Exception {
        TestDatabase database = TestDatabase.migrated(postgres);
        SinkConfig config = config(database);
        Random random = new Random(7);
        List<Change> changes = new ArrayList<>();
        List<String> users = new ArrayList<>();
        long lsn = 1_000;
        for (int i = 0; i < 10_000; i++) {
            int kind = users.isEmpty() ? 0 : random.nextInt(10);
            if (kind < 5) {
                String id = UUID.randomUUID().toString();
                users.add(id);
                changes.add(new Change(id, "user" + i, "Name " + i, lsn++, false));
            } else if (kind < 8) {
                String id = users.get(random.nextInt(users.size()));
                changes.add(new Change(id, "renamed" + i, "Renamed " + i, lsn++, false));
            } else {
                String id = users.get(random.nextInt(users.size()));
                changes.add(new Change(id, null, null, lsn++, true));
            }
        }
        produce(config.profilesTopic(), changes);
        start(config);

        Map<String, String> expected = expectedUsernames(changes);
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(usernames(database)).isEqualTo(expected));
        assertThat(deadLetterCount(config)).isZero();
    }

    @Test
    void shouldNotLetAnOlderProfileOverwriteANewerOne() throws Exception {
        TestDatabase database = TestDatabase.migrated(postgres);
        SinkConfig config = config(database);
        String id = UUID.randomUUID().toString();
        String sentinel = UUID.randomUUID().toString();
        produce(config.profilesTopic(), List.of(
                new Change(id, "newer", "Newer", 200, false),
                new Change(id, "older", "Older", 100, false),
                new Change(sentinel, "sentinel", null, 300, false)));
        start(config.withBatchSize(1));

        awaitApplied(database, config, 3);
        assertThat(usernames(database)).containsEntry(id, "newer").containsEntry(sentinel, "sentinel");
    }

    /**
     * The offsets in PostgreSQL are the truth, but lag monitoring (kafka-consumer-groups, exporters) reads the group's offsets in
     * Kafka: they reach the end too, the last batch's included, though the sink commits them at most once a second.
     */
    @Test
    void shouldCommitItsPositionToKafkaForLagMonitoringUpToTheLastRowWritten() throws Exception {
        TestDatabase database = TestDatabase.migrated(postgres);
        SinkConfig config = config(database);
        start(config);
        produce(config.profilesTopic(), changes("wave", 500, 1_000));
        awaitApplied(database, config, 500);
        // One more profile right after: its batch comes within the second after the last commit.
        produce(config.profilesTopic(), changes("last", 1, 2_000));
        awaitApplied(database, config, 501);

        await().atMost(Duration.ofSeconds(30)).until(() -> committedInKafka(config) == 501);
    }

    /**
     * The stream processor sends a profile again after a crash, a resync's too: written once. A resync at the row's own
     * LSN rewrites the row only where it differs from the profile, and a field the app owns is no difference; in a
     * batch of their own or among other resyncs (the prepared upsert and the staging table).
     */
    @ParameterizedTest(name = "batches of {0}")
    @ValueSource(ints = {1, 100})
    void shouldWriteAProfileSentAgainOnceAndAResyncOnlyWhereTheRowDiffers(int batch) throws Exception {
        TestDatabase database = TestDatabase.migrated(postgres);
        countWritesPerRow(database);
        SinkConfig config = config(database).withBatchSize(batch);
        UserProfile repeated = profile(new Change(UUID.randomUUID().toString(), "repeated", "Repeated", 100, false));
        UserProfile resynced = resync(profile(new Change(UUID.randomUUID().toString(), "resynced", "Resynced", 100, false)));
        UserProfile handEdited = profile(new Change(UUID.randomUUID().toString(), "edited", "Edited", 100, false));
        UserProfile appEdited = profile(new Change(UUID.randomUUID().toString(), "renamed", "Renamed", 100, false));
        send(config, List.of(repeated, resynced, handEdited, appEdited));
        start(config);
        awaitApplied(database, config, 4);
        // An operator's hand in an auth-owned field, and the user's own in a field the app then owns (V7).
        database.execute("update public.users set email = 'typo@example.com' where id = '" + handEdited.id() + "'",
                "update public.users set username = 'chosen' where id = '" + appEdited.id() + "'");

        List<UserProfile> again = new ArrayList<>();
        changes("filler", batch - 4, 1).forEach(filler -> again.add(resync(profile(filler))));
        again.addAll(List.of(repeated, resynced, resync(handEdited), resync(appEdited)));
        send(config, again);
        awaitApplied(database, config, 4 + again.size());

        assertThat(writesOf(database, repeated.id())).isEqualTo(1);
        assertThat(writesOf(database, resynced.id())).isEqualTo(1);
        assertThat(writesOf(database, handEdited.id())).as("written, edited by hand, put right").isEqualTo(3);
        assertThat(writesOf(database, appEdited.id())).as("written, edited by the user").isEqualTo(2);
        assertThat(column(database, handEdited.id(), "email")).isEqualTo(handEdited.email());
        assertThat(column(database, appEdited.id(), "username")).isEqualTo("chosen");
    }

    @Test
    void shouldWriteEveryProfileExactlyOnceAcrossRepeatedCrashes() throws Exception {
        TestDatabase database = TestDatabase.migrated(postgres);
        countWritesPerRow(database);
        SinkConfig config = config(database);
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            changes.add(new Change(UUID.randomUUID().toString(), "crash" + i, null, 1_000 + i, false));
        }
        produce(config.profilesTopic(), changes);

        for (int crash = 1; crash <= 3; crash++) {
            SinkStage stage = start(config);
            int reached = crash * 4_000;
            await().atMost(Duration.ofMinutes(2)).until(() -> rowCount(database) >= reached);
            database.execute("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'usersync-sink'");
            stage.close();
        }
        start(config);

        Map<String, String> expected = expectedUsernames(changes);
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(usernames(database)).isEqualTo(expected));
        assertThat(writeCounts(database)).containsOnlyKeys(1);
    }

    @Test
    void shouldPauseWhileTheDatabaseIsDownAndCatchUpWhenItIsBack() throws Exception {
        try (EmbeddedPostgresServer outage = EmbeddedPostgresServer.startTemporary()) {
            TestDatabase database = TestDatabase.migrated(outage);
            SinkConfig config = config(database);
            List<Change> before = changes("before", 1_000, 1_000);
            produce(config.profilesTopic(), before);
            SinkStage stage = start(config);
            await().atMost(Duration.ofMinutes(1)).until(() -> rowCount(database) == 1_000);
            assertThat(stage.health().up()).isTrue();

            outage.stop();
            List<Change> during = changes("during", 1_000, 10_000);
            produce(config.profilesTopic(), during);
            await().atMost(Duration.ofSeconds(30)).until(() -> !stage.health().up());
            assertThat(stage.health().reason()).startsWith("database unavailable");
            await().during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(20)).until(() -> !stage.health().up());
            outage.start();

            List<Change> all = new ArrayList<>(before);
            all.addAll(during);
            Map<String, String> expected = expectedUsernames(all);
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(usernames(database)).isEqualTo(expected));
            await().atMost(Duration.ofSeconds(10)).until(() -> stage.health().up());
            assertThat(deadLetterCount(config)).isZero();
        }
    }

    /**
     * The stream processor hands out a username a renamed user gave up; the two profiles go to different partitions,
     * and the rename may be written after the other (its partition behind, or its sink instance just died): the new
     * holder's profile waits for it, its partition held back, instead of being dead-lettered.
     */
    @Test
    void shouldHoldAProfileBackUntilAChangeOnAnotherPartitionFreesItsUsername() throws Exception {
        TestDatabase database = TestDatabase.migrated(postgres);
        SinkConfig config = config(database);
        String renamed = UUID.randomUUID().toString();
        String heir = UUID.randomUUID().toString();
        SinkStage stage = start(config);
        produce(config.profilesTopic(), List.of(new Change(renamed, "kim", null, 100, false)));
        awaitApplied(database, config, 1);

        produce(config.profilesTopic(), List.of(new Change(heir, "kim", null, 300, false)));
        await().atMost(Duration.ofSeconds(30)).until(() -> usernameHolds(stage) > 0);
        produce(config.profilesTopic(), List.of(new Change(renamed, "kim2", null, 200, false)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(usernames(database))
                .containsEntry(renamed, "kim2").containsEntry(heir, "kim"));
        assertThat(deadLetterCount(config)).isZero();
    }

    @Test
    void shouldDeadLetterOnlyTheProfileWhoseUsernameStaysTakenAndWriteTheRestOfItsBatch() throws Exception {
        TestDatabase database = TestDatabase.migrated(postgres);
        SinkConfig config = config(database).withUsernameWait(Duration.ofSeconds(2));
        database.execute("insert into public.users (id, username, source_lsn) values ('" + UUID.randomUUID()
                + "', 'taken', 1)");
        List<Change> changes = changes("fine", 500, 1_000);
        String poisoned = changes.get(250).id();
        changes.set(250, new Change(poisoned, "taken", null, changes.get(250).lsn(), false));
        produce(config.profilesTopic(), changes);
        start(config);

        await().atMost(Duration.ofMinutes(1)).until(() -> rowCount(database) == 500);
        List<ConsumerRecord<String, byte[]>> deadLetters = readDeadLetters(config, 1);
        assertThat(deadLetters).hasSize(1);
        ConsumerRecord<String, byte[]> deadLetter = deadLetters.get(0);
        assertThat(deadLetter.key()).isEqualTo(poisoned);
        assertThat(MAPPER.readValue(deadLetter.value(), UserProfile.class).username()).isEqualTo("taken");
        assertThat(header(deadLetter, DeadLetterHeaders.STAGE)).isEqualTo("sink");
        assertThat(header(deadLetter, DeadLetterHeaders.REASON)).isEqualTo(DeadLetterReasons.REJECTED_BY_DATABASE);
        assertThat(header(deadLetter, DeadLetterHeaders.ERROR_MESSAGE)).contains("users_username_lower_key");
        assertThat(header(deadLetter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(config.profilesTopic());
        assertThat(header(deadLetter, DeadLetterHeaders.SOURCE_OFFSET)).isNotBlank();
        assertThat(usernames(database)).doesNotContainKey(poisoned).hasSize(499);
    }

    @Test
    void shouldDeadLetterEveryRecordItMustNotWriteWithItsReasonAndGoOn() throws Exception {
        TestDatabase database = TestDatabase.migrated(postgres);
        SinkConfig config = config(database);
        // A rule of the site's own that fails one username with a SQL state the sink does not classify.
        database.execute("create function public.refuse_blocked() returns trigger language plpgsql as $$ begin "
                        + "if new.username = 'blocked' then raise exception 'refused' using errcode = 'P0001'; end if; "
                        + "return new; end $$",
                "create trigger refuse_blocked before insert or update on public.users for each row "
                        + "execute function public.refuse_blocked()");
        String kept = UUID.randomUUID().toString();
        database.execute("insert into public.users (id, username, source_lsn) values ('" + kept + "', 'kept', 500)");
        String blocked = UUID.randomUUID().toString();
        String nullProvider = UUID.randomUUID().toString();
        String nullAmongProviders = UUID.randomUUID().toString();
        String good = UUID.randomUUID().toString();
        send(config, "not-a-uuid", MAPPER.writeValueAsString(profile(new Change(UUID.randomUUID().toString(), "keyless", null, 1, false))));
        send(config, kept, null);
        send(config, blocked, MAPPER.writeValueAsString(profile(new Change(blocked, "blocked", null, 2, false))));
        send(config, nullProvider, MAPPER.writeValueAsString(new UserProfile(nullProvider, null, "anonymous_one", null, null,
                null, null, false, true, null, null, null, 3, System.currentTimeMillis(), false)));
        send(config, nullAmongProviders, MAPPER.writeValueAsString(profile(new Change(nullAmongProviders, "odd", null, 4, false)))
                .replace("[\"email\"]", "[null]"));
        send(config, good, MAPPER.writeValueAsString(profile(new Change(good, "good", null, 5, false))));
        start(config);

        Map<String, String> reasons = new HashMap<>();
        readDeadLetters(config, 4).forEach(letter -> reasons.put(letter.key(), header(letter, DeadLetterHeaders.REASON)));
        assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of(
                "not-a-uuid", DeadLetterReasons.KEY_NOT_A_UUID,
                kept, DeadLetterReasons.TOMBSTONE_WITHOUT_LSN,
                blocked, DeadLetterReasons.UNCLASSIFIED_DATABASE_ERROR,
                nullAmongProviders, DeadLetterReasons.NOT_A_PROFILE));
        String after = UUID.randomUUID().toString();
        send(config, after, MAPPER.writeValueAsString(profile(new Change(after, "after", null, 6, false))));
        await().atMost(Duration.ofMinutes(1)).until(() -> usernames(database).containsKey(after));
        assertThat(usernames(database)).containsEntry(kept, "kept").containsEntry(nullProvider, "anonymous_one")
                .containsEntry(good, "good").doesNotContainKeys(blocked, nullAmongProviders);
    }

    @Test
    void shouldSkipASegmentMarkerAndMovePastIt() throws Exception {
        TestDatabase database = TestDatabase.migrated(postgres);
        SinkConfig config = config(database);
        String user = UUID.randomUUID().toString();
        send(config, SegmentMarker.KEY, null);
        send(config, user, MAPPER.writeValueAsString(profile(new Change(user, "after_marker", null, 1, false))));
        start(config);

        awaitApplied(database, config, 2);
        assertThat(usernames(database)).containsExactly(Map.entry(user, "after_marker"));
        assertThat(deadLetterCount(config)).as("dead letters").isZero();
    }

    @Test
    void shouldDeleteOnATombstoneButNotWhenTheRowIsNewerThanTheDelete() throws Exception {
        TestDatabase database = TestDatabase.migrated(postgres);
        SinkConfig config = config(database);
        String deleted = UUID.randomUUID().toString();
        String recreated = UUID.randomUUID().toString();
        String sentinel = UUID.randomUUID().toString();
        produce(config.profilesTopic(), List.of(
                new Change(deleted, "deleted", null, 100, false),
                new Change(deleted, null, null, 101, true),
                new Change(recreated, "recreated", null, 300, false),
                new Change(recreated, null, null, 200, true),
                new Change(sentinel, "sentinel2", null, 400, false)));
        start(config.withBatchSize(1));

        awaitApplied(database, config, 5);
        assertThat(usernames(database)).doesNotContainKey(deleted).containsEntry(recreated, "recreated")
                .containsEntry(sentinel, "sentinel2");
    }

    /**
     * At least once, the stream processor sends a profile again after a crash, and a replay, a redrive or a change still
     * in flight can bring an older one (here one newer than the row, older than the delete): after the user's delete was
     * applied, none of them brings the user back, in a batch of their own or among others (the prepared upsert and the
     * staging table), whichever delete mode.
     */
    @ParameterizedTest(name = "{0} delete, batches of {1}")
    @CsvSource({"HARD, 1", "HARD, 100", "SOFT, 1", "SOFT, 100"})
    void shouldNeverInsertAgainAUserWhoseLaterDeleteWasApplied(SinkConfig.DeleteMode mode, int batch) throws Exception {
        TestDatabase database = TestDatabase.migrated(postgres);
        SinkConfig config = config(database, mode).withBatchSize(batch);
        String deleted = UUID.randomUUID().toString();
        start(config);
        produce(config.profilesTopic(), List.of(new Change(deleted, "gone", "Gone", 100, false)));
        awaitApplied(database, config, 1);
        produce(config.profilesTopic(), List.of(new Change(deleted, null, null, 110, true)));
        awaitApplied(database, config, 2);
        String sentinel = UUID.randomUUID().toString();
        List<Change> late = new ArrayList<>(changes("filler", batch - 1, 1));
        late.add(new Change(deleted, "gone", "Gone", 100, false));
        late.add(new Change(deleted, "gone", "Renamed Before The Delete", 105, false));
        late.add(new Change(deleted, "gone", "Gone Earlier", 99, false));
        late.add(new Change(sentinel, "sentinel3", null, 400, false));

        produce(config.profilesTopic(), late);

        awaitApplied(database, config, 2 + late.size());
        if (mode == SinkConfig.DeleteMode.HARD) {
            assertThat(usernames(database)).doesNotContainKey(deleted).containsEntry(sentinel, "sentinel3");
        } else {
            try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "select deleted_at is not null, full_name, email from public.users where id = '" + deleted + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
                assertThat(rs.getString(2)).isNull();
                assertThat(rs.getString(3)).isNull();
            }
        }
    }

    /**
     * A delete is remembered as long as a profile older than it can come: a redrive of a dead letter can bring one while
     * the dead-letter topic keeps it (30 days). Then it is forgotten; a newer one is kept.
     */
    @Test
    void shouldForgetADeleteOnlyOnceNoDeadLetterCanBringAnOlderProfileOfItsUser() throws Exception {
        TestDatabase database = TestDatabase.migrated(postgres);
        String old = UUID.randomUUID().toString();
        String recent = UUID.randomUUID().toString();
        database.execute("insert into usersync.sink_deletes (user_id, source_lsn, deleted_at) values"
                + " ('" + old + "', 100, now() - interval '32 days'), ('" + recent + "', 200, now() - interval '30 days')");

        start(config(database));

        await().atMost(Duration.ofSeconds(30)).until(() -> rememberedDeletes(database).size() == 1);
        assertThat(rememberedDeletes(database)).containsExactly(recent);
    }

    /** One row alone goes as a prepared upsert; among a hundred, through COPY and the staging table. */
    @ParameterizedTest(name = "batch of {0}")
    @ValueSource(ints = {1, 100})
    void shouldStoreNamesWithQuotesCommasNewlinesAndBackslashesExactly(int batch) throws Exception {
        TestDatabase database = TestDatabase.migrated(postgres);
        SinkConfig config = config(database);
        produce(config.profilesTopic(), changes("filler", batch - 1, 1));
        String id = UUID.randomUUID().toString();
        String name = "O'Brien, \"Bob\"\n\\ \ud83d\ude00 \u05e9\u05dc\u05d5\u05dd";
        UserProfile profile = new UserProfile(id, "b@example.com", "obrien", name, "https://example.com/a,b.png",
                "github", List.of("github", "with \"quote\"", "back\\slash"), true, false, "2026-11-01T10:00:00Z",
                "2026-11-01T10:00:00Z", "2026-11-02T10:00:00Z", 5, System.currentTimeMillis(), false);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(config.profilesTopic(), id, MAPPER.writeValueAsString(profile))).get();
        }
        start(config);

        awaitApplied(database, config, batch);
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "select full_name, avatar_url, providers, last_sign_in_at from public.users where id = '" + id + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(name);
            assertThat(rs.getString(2)).isEqualTo("https://example.com/a,b.png");
            assertThat((String[]) rs.getArray(3).getArray()).containsExactly("github", "with \"quote\"", "back\\slash");
            assertThat(rs.getTimestamp(4).toInstant()).isEqualTo(java.time.Instant.parse("2026-11-02T10:00:00Z"));
        }
    }

    private static void send(SinkConfig config, List<UserProfile> profiles) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (UserProfile profile : profiles) {
                producer.send(new ProducerRecord<>(config.profilesTopic(), profile.id(), MAPPER.writeValueAsString(profile)));
            }
            producer.flush();
        }
    }

    private static void send(SinkConfig config, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(config.profilesTopic(), key, value)).get();
        }
    }

    private SinkStage start(SinkConfig config) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SinkStage stage = new SinkStage(config, registry);
        registries.put(stage, registry);
        stages.add(stage);
        stage.start();
        return stage;
    }

    private static SinkConfig config(TestDatabase database) throws Exception {
        return config(database, SinkConfig.DeleteMode.HARD);
    }

    private static SinkConfig config(TestDatabase database, SinkConfig.DeleteMode deleteMode) throws Exception {
        String profiles = "profiles." + database.name();
        String deadLetters = "dlt." + database.name();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(profiles, 3, (short) 1), new NewTopic(deadLetters, 1, (short) 1)))
                    .all().get();
        }
        return new SinkConfig(database.settings(),
                KafkaClientSettings.bootstrapServers(kafka.bootstrapServers()),
                profiles, deadLetters, "sink-" + database.name(), SinkConfig.DEFAULT_BATCH_SIZE,
                SinkConfig.DEFAULT_BATCH_AGE, deleteMode, 2, SinkConfig.DEFAULT_RETRY_BACKOFF,
                Duration.ofSeconds(1));
    }

    private static List<Change> changes(String prefix, int count, long firstLsn) {
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            changes.add(new Change(UUID.randomUUID().toString(), prefix + i, "Person " + i, firstLsn + i, false));
        }
        return changes;
    }

    private static void produce(String topic, List<Change> changes) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 5,
                // Ordered per key without idempotence: right after topic creation, retries of an idempotent
                // producer can run into out-of-order sequence errors on a single test broker.
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1), new StringSerializer(), new StringSerializer())) {
            for (Change change : changes) {
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, change.id(),
                        change.delete() ? null : MAPPER.writeValueAsString(profile(change)));
                if (change.delete()) {
                    record.headers().add(ProfileHeaders.SOURCE_LSN, Long.toString(change.lsn()).getBytes(StandardCharsets.UTF_8));
                }
                producer.send(record);
            }
            producer.flush();
        }
    }

    private static UserProfile profile(Change change) {
        return new UserProfile(change.id(), change.username() + "@example.com", change.username(), change.fullName(),
                null, "email", List.of("email"), true, false, "2026-11-01T10:00:00Z", "2026-11-01T10:00:00Z", null,
                change.lsn(), System.currentTimeMillis(), false);
    }

    /** Latest username per live user, as the profiles topic says once compacted. */
    private static Map<String, String> expectedUsernames(List<Change> changes) {
        Map<String, Change> latest = new LinkedHashMap<>();
        for (Change change : changes) {
            Change current = latest.get(change.id());
            if (current == null || current.lsn() <= change.lsn()) {
                latest.put(change.id(), change);
            }
        }
        Map<String, String> expected = new HashMap<>();
        latest.values().stream().filter(c -> !c.delete()).forEach(c -> expected.put(c.id(), c.username()));
        return expected;
    }

    private static Map<String, String> usernames(TestDatabase database) throws SQLException {
        Map<String, String> usernames = new HashMap<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select id::text, username from public.users where username <> 'taken'")) {
            while (rs.next()) {
                usernames.put(rs.getString(1), rs.getString(2));
            }
        }
        return usernames;
    }

    /** Waits until the offsets stored with the rows cover every record produced. */
    private static void awaitApplied(TestDatabase database, SinkConfig config, long records) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            try (Connection c = database.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select coalesce(sum(next_offset), 0) from usersync.sink_offsets"
                            + " where group_id = '" + config.groupId() + "'")) {
                rs.next();
                return rs.getLong(1) == records;
            }
        });
    }

    private static List<String> rememberedDeletes(TestDatabase database) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select user_id::text from usersync.sink_deletes")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static long rowCount(TestDatabase database) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from public.users")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A trigger that counts the writes each row gets, so that a row written twice shows. */
    private static void countWritesPerRow(TestDatabase database) throws SQLException {
        database.execute(
                "create table public.write_counts (id uuid primary key, writes int not null)",
                "create function public.count_write() returns trigger language plpgsql as $$ begin "
                        + "insert into public.write_counts values (new.id, 1) "
                        + "on conflict (id) do update set writes = write_counts.writes + 1; return new; end $$",
                "create trigger count_writes after insert or update on public.users "
                        + "for each row execute function public.count_write()");
    }

    private static UserProfile resync(UserProfile profile) {
        return new UserProfile(profile.id(), profile.email(), profile.username(), profile.fullName(), profile.avatarUrl(),
                profile.provider(), profile.providers(), profile.emailVerified(), profile.isAnonymous(), profile.createdAt(),
                profile.updatedAt(), profile.lastSignInAt(), profile.sourceLsn(), profile.sourceTsMs(), true);
    }

    private static String column(TestDatabase database, String id, String column) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select " + column + " from public.users where id = '" + id + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static int writesOf(TestDatabase database, String id) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select writes from public.write_counts where id = '" + id + "'")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** How many rows were written how many times. */
    private static Map<Integer, Long> writeCounts(TestDatabase database) throws SQLException {
        Map<Integer, Long> counts = new HashMap<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select writes, count(*) from public.write_counts group by writes")) {
            while (rs.next()) {
                counts.put(rs.getInt(1), rs.getLong(2));
            }
        }
        return counts;
    }

    private double usernameHolds(SinkStage stage) {
        return registries.get(stage).counter("usersync.sink.username.holds").count();
    }

    private static long deadLetterCount(SinkConfig config) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            TopicPartition partition = new TopicPartition(config.deadLetterTopic(), 0);
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
                    .partitionResult(partition).get().offset();
        }
    }

    /** The sum over the profiles topic's partitions of the offsets the sink's group committed in Kafka. */
    private static long committedInKafka(SinkConfig config) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(config.groupId()).partitionsToOffsetAndMetadata().get().values().stream()
                    .mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    private static List<ConsumerRecord<String, byte[]>> readDeadLetters(SinkConfig config, int count) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlt-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of(config.deadLetterTopic()));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
        }
        return records;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
