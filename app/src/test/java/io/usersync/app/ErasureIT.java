package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.usersync.app.config.ConfigLoader;
import io.usersync.app.run.Application;
import io.usersync.app.run.ScratchDirectory;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.testing.AuthUsersTable;
import io.usersync.schemas.testing.TestDatabase;

/**
 * A deletion request, as the embedded default meets it: a user whose email, name and avatar carry a marker signs up,
 * is renamed and is deleted, while other users go on signing up. Under a 20 s {@code USERSYNC_ERASURE_BOUND}, no file of
 * the broker's (every segment, index and file awaiting deletion of every topic) holds the markers once the bound has
 * passed, and a user who was not deleted is still in them.
 */
class ErasureIT {

    private static final Duration BOUND = Duration.ofSeconds(20);
    /** The bound, and the slack of a loaded machine, for the delete to reach the topics and the scan to read them. */
    private static final Duration AT_MOST = BOUND.plusSeconds(10);
    private static final Duration SIGN_UP_INTERVAL = Duration.ofMillis(250);

    private final ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
    private ScratchDirectory dataDir;
    private Application application;

    @AfterEach
    void stop() throws IOException {
        traffic.shutdownNow();
        if (application != null) {
            application.close();
        }
        if (dataDir != null) {
            dataDir.close();
        }
    }

    @Test
    void shouldLeaveNoPersonalDataOfADeletedUserInAnyTopicOnceTheBoundHasPassed() throws Exception {
        dataDir = ScratchDirectory.givenOrTemporary(null, "erasure-it-");
        application = Application.start(ConfigLoader.load(Map.of(
                "USERSYNC_DATA_DIR", dataDir.path().toString(), "USERSYNC_HTTP_PORT", "0",
                "USERSYNC_RECONCILE_INTERVAL_S", "0", "USERSYNC_ERASURE_BOUND", BOUND.toSeconds() + "s"), Map.of()));
        AuthUsersTable users = new AuthUsersTable(this::connect);
        String deleted = "erasemark" + UUID.randomUUID().toString().substring(0, 8);
        String kept = "keepmark" + UUID.randomUUID().toString().substring(0, 8);
        // What a username can never be (an '@', a space, a URL), so that a username made of them does not count.
        List<String> deletedMarkers = List.of(deleted + "@example.com", "Erase " + deleted, "https://example.com/" + deleted + ".png");
        UUID deletedId = users.signUpWithGoogle(deletedMarkers.get(0), deletedMarkers.get(1), deletedMarkers.get(2));
        users.signUpWithGoogle(kept + "@example.com", "Keep " + kept, "https://example.com/" + kept + ".png");
        users.setUserMetadata(deletedId, "{\"full_name\":\"Erase " + deleted + " Renamed\",\"avatar_url\":\"https://example.com/"
                + deleted + ".png\"}");
        await().atMost(Duration.ofMinutes(1)).until(() -> topicsHolding(deletedMarkers).containsAll(List.of(TopicNames.CDC,
                TopicNames.PROFILES, TopicNames.EVENTS, "usersync-processor-user-state-changelog")));
        Set<String> heldBefore = topicsHolding(deletedMarkers);

        users.delete(deletedId);
        long deletion = System.nanoTime();
        // Others' sign-ups: a partition rolls its active segment, the delete's with it, only at an append.
        AtomicInteger signUps = new AtomicInteger();
        AtomicReference<Throwable> signUpFailure = new AtomicReference<>();
        traffic.scheduleAtFixedRate(() -> signUp(users, signUps.incrementAndGet(), signUpFailure), 0,
                SIGN_UP_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        Map<String, Double> lastSeen = new TreeMap<>();
        await().atMost(AT_MOST).pollInterval(Duration.ofMillis(500)).failFast("a sign-up failed", () -> signUpFailure.get() != null)
                .until(() -> {
                    Set<String> holding = topicsHolding(deletedMarkers);
                    holding.forEach(topic -> lastSeen.put(topic, (System.nanoTime() - deletion) / 1e9));
                    return holding.isEmpty();
                });
        Duration erased = Duration.ofNanos(System.nanoTime() - deletion);

        System.out.printf("ErasureIT: a deleted user's email, name and avatar were in %s; gone from every file of the"
                + " broker %.1f s after the delete (USERSYNC_ERASURE_BOUND=%ds; last seen, s after it: %s), %d sign-ups"
                + " meanwhile%n", heldBefore, erased.toMillis() / 1000.0, BOUND.toSeconds(), lastSeen, signUps.get());
        assertThat(topicsHolding(List.of(kept + "@example.com"))).contains(TopicNames.CDC, TopicNames.PROFILES);
    }

    private static void signUp(AuthUsersTable users, int n, AtomicReference<Throwable> failure) {
        try {
            users.signUp("traffic." + n + "@example.com", "{}", "{\"provider\":\"email\",\"providers\":[\"email\"]}");
        } catch (SQLException | RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    /**
     * The topics with a file under their partitions' directories that holds any of the markers, as UTF-8 bytes: every
     * file but the offset and time indexes (offsets and timestamps only; an active segment's are preallocated, 10 MB
     * each). The broker deletes and renames files while the walk goes on: one gone is skipped.
     */
    private Set<String> topicsHolding(List<String> markers) throws IOException {
        Set<String> topics = new TreeSet<>();
        Path kafka = dataDir.path().resolve("kafka");
        Files.walkFileTree(kafka, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                String name = file.getFileName().toString();
                if (name.contains(".index") || name.contains(".timeindex")) {
                    return FileVisitResult.CONTINUE;
                }
                byte[] content;
                try {
                    content = Files.readAllBytes(file);
                } catch (NoSuchFileException e) {
                    return FileVisitResult.CONTINUE;
                }
                if (markers.stream().anyMatch(marker -> contains(content, marker.getBytes(StandardCharsets.UTF_8)))) {
                    Path relative = kafka.relativize(file);
                    String partition = relative.getName(0).toString();
                    topics.add(relative.getNameCount() > 1 && partition.contains("-")
                            ? partition.substring(0, partition.lastIndexOf('-')) : relative.toString());
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return topics;
    }

    private static boolean contains(byte[] content, byte[] marker) {
        outer:
        for (int i = 0; i <= content.length - marker.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (content[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private Connection connect() throws SQLException {
        return TestDatabase.dataSource(application.config().database().orElseThrow()).getConnection();
    }
}
