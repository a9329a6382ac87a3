package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import io.usersync.app.config.ConfigLoader;
import io.usersync.app.deadletter.DeadLetterReader;
import io.usersync.app.deadletter.DeadLetterRecord;
import io.usersync.app.run.Application;
import io.usersync.app.run.ScratchDirectory;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.testing.AuthUsersTable;
import io.usersync.schemas.testing.FilesHolding;
import io.usersync.schemas.testing.TestDatabase;

/**
 * A deletion request, as the embedded default meets it: a user whose email, name, avatar and username carry a marker
 * signs up, is renamed (which a rule of the app's refuses: a dead letter) and is deleted, and another is deleted softly;
 * nobody signs up after, so that no append of others rolls a partition's last segment. Under a 20 s {@code USERSYNC_ERASURE_BOUND}, no file of
 * the broker's (every segment, index and file awaiting deletion of every topic) or of the processor's RocksDB stores
 * holds the markers once the bound has passed, and a user who was not deleted is still in them, their dead letter too; no line the process logged ever held
 * any of them.
 */
class ErasureIT {

    private static final Duration BOUND = Duration.ofSeconds(20);
    /** The bound, and the slack of a loaded machine, for the delete to reach the topics and the scan to read them. */
    private static final Duration AT_MOST = BOUND.plusSeconds(10);

    private ScratchDirectory dataDir;
    private Application application;
    private LogCapture log;

    @AfterEach
    void stop() throws IOException {
        if (application != null) {
            application.close();
        }
        if (log != null) {
            log.close();
        }
        if (dataDir != null) {
            dataDir.close();
        }
    }

    @Test
    void shouldLeaveNoPersonalDataOfADeletedUserInAnyTopicOnceTheBoundHasPassed() throws Exception {
        dataDir = ScratchDirectory.givenOrTemporary(null, "erasure-it-");
        log = LogCapture.attach();
        application = Application.start(ConfigLoader.load(Map.of(
                "USERSYNC_DATA_DIR", dataDir.path().toString(), "USERSYNC_HTTP_PORT", "0",
                "USERSYNC_RECONCILE_INTERVAL_S", "0", "USERSYNC_ERASURE_BOUND", BOUND.toSeconds() + "s"), Map.of()));
        AuthUsersTable users = new AuthUsersTable(this::connect);
        String deleted = "erasemark" + UUID.randomUUID().toString().substring(0, 8);
        String kept = "keepmark" + UUID.randomUUID().toString().substring(0, 8);
        // The marker alone is the username the user is given (their email's local part).
        List<String> deletedMarkers = List.of(deleted + "@example.com", "Erase " + deleted, "https://example.com/" + deleted + ".png",
                deleted);
        UUID deletedId = users.signUpWithGoogle(deletedMarkers.get(0), deletedMarkers.get(1), deletedMarkers.get(2));
        UUID keptId = users.signUpWithGoogle(kept + "@example.com", "Keep " + kept, "https://example.com/" + kept + ".png");
        // Deleted softly (auth.users.deleted_at set, the row kept), as GoTrue's soft delete does.
        String softly = "softmark" + UUID.randomUUID().toString().substring(0, 8);
        List<String> softlyMarkers = List.of(softly + "@example.com", "Soft " + softly, softly);
        UUID softlyId = users.signUpWithGoogle(softlyMarkers.get(0), softlyMarkers.get(1), "https://example.com/soft.png");
        List<String> markers = new ArrayList<>(deletedMarkers);
        markers.addAll(softlyMarkers);
        await().atMost(Duration.ofMinutes(1)).until(() -> rows(deletedId, keptId, softlyId) == 3);
        // A rule of the app's that the renames break: each becomes a dead letter, whose value is the profile.
        execute("alter table public.users add constraint no_renames check (full_name not like '% Renamed')");
        users.setUserMetadata(deletedId, "{\"full_name\":\"Erase " + deleted + " Renamed\",\"avatar_url\":\"https://example.com/"
                + deleted + ".png\"}");
        users.setUserMetadata(keptId, "{\"full_name\":\"Keep " + kept + " Renamed\"}");
        // The stores' files too: written at the processor's next compaction round, an eighth of the bound.
        await().atMost(Duration.ofMinutes(1)).until(() -> placesHolding(deletedMarkers).containsAll(List.of(TopicNames.CDC,
                TopicNames.PROFILES, TopicNames.EVENTS, TopicNames.DEAD_LETTERS, "usersync-processor-user-state-changelog",
                "usersync-processor-usernames-changelog", "store user-state", "store usernames")) && deadLetters().size() == 2);
        Set<String> heldBefore = placesHolding(deletedMarkers);
        assertThat(erasureCheck(deletedId).exit()).as("erasure check before the delete").isEqualTo(1);

        users.delete(deletedId);
        users.softDelete(softlyId);
        long deletion = System.nanoTime();
        // Nobody signs up after: every partition stays quiet, and the broker rolls a quiet partition's active segment,
        // which holds the user's last records, only at an append of the pipeline's own (a segment marker).
        Map<String, Double> lastSeen = new TreeMap<>();
        await().atMost(AT_MOST).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Set<String> holding = placesHolding(markers);
            holding.forEach(place -> lastSeen.put(place, (System.nanoTime() - deletion) / 1e9));
            assertThat(holding).as("topics and stores with a file that holds the deleted user's data").isEmpty();
        });
        Duration erased = Duration.ofNanos(System.nanoTime() - deletion);

        System.out.printf("ErasureIT: a deleted user's email, name, avatar and username were in %s; gone from every file of the"
                + " broker and of the processor's stores %.1f s after the delete (USERSYNC_ERASURE_BOUND=%ds; last seen, s after it: %s),"
                + " no record written meanwhile but the pipeline's own%n", heldBefore, erased.toMillis() / 1000.0, BOUND.toSeconds(), lastSeen);
        assertThat(topicsHolding(List.of(kept + "@example.com"))).contains(TopicNames.CDC, TopicNames.PROFILES,
                TopicNames.DEAD_LETTERS);
        assertThat(deadLetters()).extracting(DeadLetterRecord::key).containsExactly(keptId.toString());
        CheckRun check = erasureCheck(deletedId);
        System.out.print(check.output());
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("deleted at", "USERSYNC_ERASURE_BOUND 20s",
                "nothing holds the user's personal data");
        assertThat(erasureCheck(softlyId).output()).as("soft delete").contains("deleted at");
        assertThat(erasureCheck(keptId).exit()).isEqualTo(1);
        // Nor did the log output ever hold them: ids, topics and offsets only.
        assertThat(log.lines()).as("log lines with a marker").noneMatch(line -> Stream.of(deleted, softly, kept)
                .anyMatch(marker -> line.toLowerCase(Locale.ROOT).contains(marker)));
    }

    private record CheckRun(int exit, String output) {
    }

    /** {@code usersync erasure check}, against the application's broker and database, as an operator runs it. */
    private CheckRun erasureCheck(UUID user) {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new UsersyncCommand()).setOut(new PrintWriter(out)).execute("erasure", "check",
                "--user", user.toString(), "--kafka", application.config().kafkaBootstrapServers().orElseThrow(),
                "--db-url", application.config().database().orElseThrow().jdbcUrl(),
                "--set", "USERSYNC_ERASURE_BOUND=" + BOUND.toSeconds() + "s");
        return new CheckRun(exit, out.toString());
    }

    private List<DeadLetterRecord> deadLetters() {
        return new DeadLetterReader(application.config().kafka(), TopicNames.DEAD_LETTERS).readAll();
    }

    private int rows(UUID... ids) throws SQLException {
        try (Connection connection = connect(); PreparedStatement select = connection.prepareStatement(
                "select count(*) from public.users where id = any(?)")) {
            select.setArray(1, connection.createArrayOf("uuid", ids));
            try (ResultSet result = select.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private Set<String> topicsHolding(List<String> markers) throws IOException {
        return BrokerFiles.topicsHolding(dataDir.path().resolve("kafka"), markers);
    }

    /** The topics, and the processor's stores ("store" and its name), with a file that holds any of the markers. */
    private Set<String> placesHolding(List<String> markers) throws IOException {
        Set<String> places = new TreeSet<>(topicsHolding(markers));
        Path stateDirectory = dataDir.path().resolve("streams");
        for (Path file : FilesHolding.under(stateDirectory, markers, file -> false)) {
            // <application id>/<task>/rocksdb/<store>/<file>, or global/rocksdb/<store>/<file>
            Path relative = stateDirectory.relativize(file);
            String place = relative.toString();
            for (int name = 0; name + 2 < relative.getNameCount(); name++) {
                if (relative.getName(name).toString().equals("rocksdb")) {
                    place = "store " + relative.getName(name + 1);
                    break;
                }
            }
            places.add(place);
        }
        return places;
    }

    private Connection connect() throws SQLException {
        return TestDatabase.dataSource(application.config().database().orElseThrow()).getConnection();
    }
}
