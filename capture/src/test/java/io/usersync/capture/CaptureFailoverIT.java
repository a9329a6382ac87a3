package io.usersync.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.usersync.capture.lease.SlotLease;
import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.kafka.KafkaClientSettings;
import io.usersync.schemas.testing.AuthUsersTable;
import io.usersync.schemas.testing.TestDatabase;

/**
 * Two captures of one slot in one JVM, each with its own connections: one reads, the other stands by without reading,
 * and takes over when the first stops. The takeover after a {@code kill -9} is app's CaptureFailoverIT (separate JVMs).
 */
class CaptureFailoverIT {

    private static EmbeddedKafkaBroker kafka;
    private static EmbeddedPostgresServer postgres;

    private final List<CaptureStage> stages = new ArrayList<>();
    private TestDatabase database;

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
    void stopCaptureAndDropTheSlot() throws SQLException {
        stages.forEach(CaptureStage::close);
        database.execute("select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '"
                + database.name() + "'");
    }

    @Test
    void shouldStandByWithoutReadingTheSlotWhileAnotherCaptureReadsItThenTakeOverWhenItStops() throws Exception {
        database = TestDatabase.migrated(postgres);
        CaptureConfig config = config();
        AuthUsersTable users = new AuthUsersTable(database);
        CaptureStage active = start(config);
        int activeReader = awaitTheReader();
        CaptureStage standby = start(config);

        assertThat(standby.role()).isEqualTo(CaptureStage.Role.STANDBY);
        List<String> signedUp = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            signedUp.add(users.signUp("before" + i + "@example.com", "{}", "{}").toString());
        }
        // Several of the standby's lease polls: it keeps standing by, and the active capture's walsender stays the one reader.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                standby.role() == CaptureStage.Role.STANDBY && slotReaders().equals(List.of(activeReader)));
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), config.topic())) {
            assertThat(keys(reader.awaitAtLeast(20))).containsAll(signedUp);
        }

        active.close();
        await().atMost(Duration.ofMinutes(1)).until(() -> standby.role() == CaptureStage.Role.ACTIVE);
        for (int i = 0; i < 20; i++) {
            signedUp.add(users.signUp("after" + i + "@example.com", "{}", "{}").toString());
        }

        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), config.topic())) {
            assertThat(keys(reader.awaitAtLeast(40))).containsAll(signedUp);
        }
        assertThat(slotReaders()).hasSize(1).doesNotContain(activeReader);
    }

    @Test
    void shouldStopReadingTheSlotWhenTheSessionOfItsLeaseEnds() throws Exception {
        database = TestDatabase.migrated(postgres);
        CaptureStage capture = start(config());
        awaitTheReader();

        database.execute("select pg_terminate_backend(pid) from pg_stat_activity where application_name = '"
                + SlotLease.APPLICATION_NAME + "' and datname = '" + database.name() + "'");

        await().atMost(Duration.ofSeconds(30)).until(() -> capture.role() == CaptureStage.Role.FAILED && slotReaders().isEmpty());
        assertThat(capture.failure()).get().extracting(Throwable::getMessage).asString().contains("lost the lease");
    }

    private CaptureStage start(CaptureConfig config) {
        CaptureStage stage = new CaptureStage(config, TestDatabase.dataSource(config.database()));
        stages.add(stage);
        stage.start();
        return stage;
    }

    /** The engine has started; its walsender reads the slot once the snapshot is over and streaming begins. */
    private int awaitTheReader() {
        return await().atMost(Duration.ofMinutes(1)).until(this::slotReaders, readers -> readers.size() == 1).get(0);
    }

    /** The backend pids reading the test's slot: at most one, as PostgreSQL allows. */
    private List<Integer> slotReaders() throws SQLException {
        List<Integer> pids = new ArrayList<>();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select active_pid from pg_replication_slots where active and slot_name = '"
                        + database.name() + "'")) {
            while (rs.next()) {
                pids.add(rs.getInt(1));
            }
        }
        return pids;
    }

    private CaptureConfig config() {
        return new CaptureConfig(database.settings(), KafkaClientSettings.bootstrapServers(kafka.bootstrapServers()),
                "cdc." + database.name(), "reservations." + database.name(), 3, database.name(), "usersync",
                new CaptureConfig.OffsetStore.KafkaTopic("offsets." + database.name()), CaptureConfig.DEFAULT_POLL_INTERVAL,
                CaptureConfig.DEFAULT_MAX_BATCH_SIZE, CaptureConfig.DEFAULT_HEARTBEAT_INTERVAL, DebeziumSettings.NONE,
                "dlt." + database.name());
    }

    private static Set<String> keys(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    }
}
