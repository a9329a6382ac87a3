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
import io.usersync.schemas.ErasureBound;
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

    /**
     * Whichever takes the freed lease (the standby, or the first capture once it stood by) reads only once the first
     * capture's walsender is gone: a new reader of the slot shows that the first one stopped reading.
     */
    @Test
    void shouldStopReadingTheSlotAndStandByWhenTheSessionOfItsLeaseEnds() throws Exception {
        database = TestDatabase.migrated(postgres);
        CaptureConfig config = config();
        CaptureStage first = start(config);
        int firstReader = awaitTheReader();
        CaptureStage second = start(config);
        int firstLease = leaseSessions().get(0);

        database.execute("select pg_terminate_backend(" + firstLease + ")");

        await().atMost(Duration.ofMinutes(1)).until(() -> Set.of(first.role(), second.role())
                .equals(Set.of(CaptureStage.Role.ACTIVE, CaptureStage.Role.STANDBY)) && !slotReaders().contains(firstReader));
        assertThat(awaitTheReader()).isNotEqualTo(firstReader);
        UUID signedUp = new AuthUsersTable(database).signUp("after.takeover@example.com", "{}", "{}");
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), config.topic())) {
            assertThat(keys(reader.awaitAtLeast(1))).contains(signedUp.toString());
        }
        assertThat(first.failure()).isEmpty();
        assertThat(second.failure()).isEmpty();
        assertThat(leaseSessions()).hasSize(2).doesNotContain(firstLease);
    }

    /** The backend pids of the captures' lease sessions on the test's database, the holder's first. */
    private List<Integer> leaseSessions() throws SQLException {
        List<Integer> pids = new ArrayList<>();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select a.pid from pg_stat_activity a left join pg_locks l"
                        + " on l.pid = a.pid and l.locktype = 'advisory' and l.granted where a.application_name = '"
                        + SlotLease.APPLICATION_NAME + "' and a.datname = '" + database.name() + "'"
                        + " order by l.pid is null, a.pid")) {
            while (rs.next()) {
                pids.add(rs.getInt(1));
            }
        }
        return pids;
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
                "dlt." + database.name(), ErasureBound.DEFAULT);
    }

    private static Set<String> keys(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    }
}
