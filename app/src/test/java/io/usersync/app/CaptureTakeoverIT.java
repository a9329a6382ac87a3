package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.usersync.app.chaos.JavaProcess;
import io.usersync.app.run.ScratchDirectory;
import io.usersync.embedded.EmbeddedKafkaBroker;
import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.testing.AuthUsersTable;
import io.usersync.schemas.testing.TestDatabase;

/**
 * Two {@code usersync run} processes with {@code USERSYNC_STAGES=capture} against one PostgreSQL and one broker, as an
 * operator runs an active capture and a standby: the standby reads nothing while the active one lives; the active one is
 * killed with {@code kill -9} while users sign up (the kill is what frees its lease), and the standby takes over: every
 * sign-up reaches the CDC topic. Prints how long the takeover took; asserts no time.
 */
class CaptureTakeoverIT {

    private static final Duration AT_MOST = Duration.ofMinutes(2);
    private static final Duration SIGN_UP_INTERVAL = Duration.ofMillis(20);
    private static final Path LOGS = Path.of("target", "capture-takeover-it");

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<UUID> signUps = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor();
    private final AtomicReference<Throwable> signUpFailure = new AtomicReference<>();
    private EmbeddedKafkaBroker kafka;
    private EmbeddedPostgresServer postgres;
    private ScratchDirectory dataDir;
    private JavaProcess first;
    private JavaProcess second;

    @AfterEach
    void stop() throws Exception {
        driver.shutdownNow();
        for (JavaProcess process : new JavaProcess[] {first, second}) {
            if (process != null) {
                process.stop();
            }
        }
        kafka.close();
        postgres.close();
        dataDir.close();
    }

    @Test
    void shouldTakeOverFromTheCommittedOffsetsWhenTheActiveCaptureIsKilledAndLoseNoSignUp() throws Exception {
        kafka = EmbeddedKafkaBroker.startTemporary();
        postgres = EmbeddedPostgresServer.startTemporary();
        dataDir = ScratchDirectory.givenOrTemporary(null, "capture-takeover-");
        TestDatabase database = TestDatabase.migrated(postgres);
        AuthUsersTable users = new AuthUsersTable(database);
        int firstPort = freePort();
        int secondPort = freePort();

        first = startCapture("first", database, firstPort);
        await().atMost(AT_MOST).ignoreExceptions().until(() -> health(firstPort).contains("\"streaming\""));
        second = startCapture("second", database, secondPort);
        await().atMost(AT_MOST).ignoreExceptions().until(() -> health(secondPort).contains("\"standby\""));
        driver.scheduleAtFixedRate(() -> signUp(users), 0, SIGN_UP_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);

        // While the first lives, for several of the standby's lease polls: one reader of the slot, and it is not the standby.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> health(secondPort).contains("\"standby\"")
                && metric(secondPort, "usersync_capture_active{").endsWith(" 0.0")
                && metric(firstPort, "usersync_capture_active{").endsWith(" 1.0") && slotReaders(database) == 1);
        awaitWhileSigningUp().until(() -> signUps.size() >= 200);
        first.kill();
        long killed = System.nanoTime();
        int signedUpAtKill = signUps.size();
        await().atMost(AT_MOST).ignoreExceptions().until(() -> health(secondPort).contains("\"streaming\""));
        double takeover = (System.nanoTime() - killed) / 1e9;
        awaitWhileSigningUp().until(() -> signUps.size() >= signedUpAtKill + 300);
        driver.shutdown();
        assertThat(driver.awaitTermination(1, TimeUnit.MINUTES)).isTrue();

        Set<String> expected = new HashSet<>(signUps.stream().map(UUID::toString).toList());
        assertThat(expected).hasSize(signUps.size());
        Set<String> captured = awaitCaptured(expected);
        String log = Files.readString(LOGS.resolve("second.log"));
        System.out.printf("CaptureTakeoverIT: %d sign-ups at %d/s, %d before the kill -9 of the active capture; the standby"
                + " was streaming %.1f s after the kill; %d of %d on the CDC topic%n", expected.size(),
                1000 / SIGN_UP_INTERVAL.toMillis(), signedUpAtKill, takeover, captured.size(), expected.size());
        assertThat(captured).containsAll(expected);
        assertThat(log).contains("Capture took over slot").doesNotContain("@example.com");
    }

    /** Stops waiting at once when a sign-up failed: the driver signs up no more after a failure. */
    private ConditionFactory awaitWhileSigningUp() {
        return await().atMost(AT_MOST).failFast("a sign-up failed", () -> signUpFailure.get() != null);
    }

    private JavaProcess startCapture(String name, TestDatabase database, int httpPort) throws IOException {
        return JavaProcess.usersyncLauncherRun("-Xmx256m", Map.of(
                "USERSYNC_STAGES", "capture",
                "USERSYNC_DB_URL", database.jdbcUrl(),
                "USERSYNC_DB_USER", database.user(),
                "USERSYNC_DB_PASSWORD", database.settings().password(),
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "USERSYNC_HTTP_PORT", Integer.toString(httpPort),
                "USERSYNC_DATA_DIR", dataDir.path().resolve(name).toString()), LOGS.resolve(name + ".log"));
    }

    private void signUp(AuthUsersTable users) {
        try {
            signUps.add(users.signUp("signup." + signUps.size() + "@example.com", "{}", "{\"provider\":\"email\"}"));
        } catch (SQLException | RuntimeException e) {
            signUpFailure.compareAndSet(null, e);
            throw new IllegalStateException("sign-up failed", e);
        }
    }

    /** Reads the CDC topic from its start until it holds every expected user (or the wait ends); the users it read. */
    private Set<String> awaitCaptured(Set<String> expected) {
        Set<String> keys = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "capture-takeover-it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TopicNames.CDC));
            await().atMost(AT_MOST).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> keys.add(record.key()));
                return keys.containsAll(expected);
            });
        }
        return keys;
    }

    private String health(int port) throws IOException, InterruptedException {
        return get(port, "/health");
    }

    /** The line of /metrics that starts with {@code prefix}, or "" when there is none. */
    private String metric(int port, String prefix) throws IOException, InterruptedException {
        return get(port, "/metrics").lines().filter(line -> line.startsWith(prefix)).findFirst().orElse("");
    }

    private String get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int slotReaders(TestDatabase database) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select count(*) from pg_replication_slots where slot_name = 'usersync' and active")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
