package io.usersync.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.usersync.schemas.testing.AuthUsersTable;

/**
 * Each stage of usersync in a JVM of its own ({@code usersync run} with USERSYNC_STAGES capture, process, sink), against
 * a PostgreSQL and a Kafka broker in processes of their own, while users sign up, change and are deleted at a steady
 * rate. Each test injects a fault and heals it; after each fault every user of auth.users is in public.users with the
 * fields the pipeline's normalizer gives and a username of their base that they keep, no username is held twice, no
 * row version is written twice, and /health of the stages went DOWN and came back UP where it should. The time from
 * the heal until every stage is UP and every sign-up made before it is in public.users is printed, not asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChaosIT {

    /** A functional bound only. */
    private static final Duration AT_MOST = Duration.ofMinutes(3);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int CHANGES_PER_SECOND = 20;
    private static final int USERS_BEFORE = 300;
    private static final int KILLS_PER_STAGE = 5;
    /** The stage that sends a profile again after a crash, during renames and deletes: killed most. */
    private static final int KILLS_OF_THE_STREAM_PROCESSOR = 10;
    private static final long SEED = 20261201L;

    private final Random random = new Random(SEED);
    private final List<String> recoveries = new ArrayList<>();
    private Deployment deployment;
    private PublicUsers publicUsers;
    private Convergence convergence;
    private Traffic traffic;
    private Map<String, UsersyncProcess> stages;

    @BeforeAll
    void startTheDeployment() throws Exception {
        deployment = Deployment.start(Path.of("target", "chaos-it"), Map.of("USERSYNC_PARTITIONS", "2"));
        publicUsers = new PublicUsers(deployment.database());
        publicUsers.countWrites();
        convergence = new Convergence(publicUsers, deployment.kafka().bootstrapServers());
        traffic = new Traffic(new AuthUsersTable(deployment::connect), SEED);
        traffic.signUp(USERS_BEFORE);
        stages = Map.of("capture", deployment.startInstance("capture", "capture"),
                "process", deployment.startInstance("process", "process"),
                "sink", deployment.startInstance("sink", "sink"));
        awaitAllUp();
        assertConverged();
    }

    @AfterAll
    void stopTheDeployment() throws Exception {
        recoveries.forEach(System.out::println);
        if (traffic != null) {
            traffic.close();
        }
        if (deployment != null) {
            deployment.close();
        }
    }

    /** Each test starts from a running deployment, whatever the one before left. */
    @BeforeEach
    void streamChanges() throws Exception {
        for (UsersyncProcess stage : stages.values()) {
            if (!stage.isAlive()) {
                stage.start();
            }
        }
        awaitAllUp();
        traffic.start(CHANGES_PER_SECOND);
    }

    @Test
    void shouldSyncEveryUserOnceAfterEachKillDashNineOfCapture() throws Exception {
        killAtRandomPoints(stages.get("capture"), KILLS_PER_STAGE);
    }

    @Test
    void shouldSyncEveryUserOnceAfterEachKillDashNineOfTheStreamProcessor() throws Exception {
        killAtRandomPoints(stages.get("process"), KILLS_OF_THE_STREAM_PROCESSOR);
    }

    @Test
    void shouldSyncEveryUserOnceAfterEachKillDashNineOfTheSink() throws Exception {
        killAtRandomPoints(stages.get("sink"), KILLS_PER_STAGE);
    }

    @Test
    void shouldReportCaptureAndTheSinkDownWhilePostgresRestartsAndSyncEveryUserOnceAfterwards() throws Exception {
        try (HealthWatch health = HealthWatch.start(stages.values())) {
            awaitMoreChanges(random.nextInt(60));
            deployment.postgres().stop();
            await().atMost(AT_MOST).pollInterval(POLL).until(() -> health.statuses("sink"),
                    statuses -> statuses.stream().anyMatch(status -> status.startsWith("DOWN: database unavailable")));
            int signUps = traffic.signUps();
            long healed = System.nanoTime();
            deployment.postgres().start();
            awaitRecovered("PostgreSQL restart", signUps, healed, health);
            assertWentDownAndCameBackUp(health, "sink", "DOWN: database unavailable");
            assertWentDownAndCameBackUp(health, "capture", "DOWN: not reading the database");
        }
    }

    @Test
    void shouldSyncEveryUserOnceAfterTheBrokerRestarts() throws Exception {
        try (HealthWatch health = HealthWatch.start(stages.values())) {
            awaitMoreChanges(random.nextInt(60));
            deployment.kafka().node(1).stop();
            awaitMoreChanges(CHANGES_PER_SECOND);
            int signUps = traffic.signUps();
            long healed = System.nanoTime();
            deployment.kafka().node(1).start();
            awaitRecovered("broker restart", signUps, healed, health);
        }
    }

    @Test
    void shouldSayTheSlotIsGoneAndSnapshotAgainWhenTheSlotWasDroppedWhileCaptureWasDown() throws Exception {
        UsersyncProcess capture = stages.get("capture");
        try (HealthWatch health = HealthWatch.start(stages.values())) {
            capture.stop();
            dropReplicationSlot();
            awaitMoreChanges(CHANGES_PER_SECOND);
            int signUps = traffic.signUps();
            long healed = System.nanoTime();
            capture.start();
            awaitCaughtUp("replication slot dropped", signUps, healed, health);
            assertWentDownAndCameBackUp(health, "capture", HealthWatch.NO_ANSWER);
        }
        assertThat(capture.logText()).contains("Replication slot 'usersync' is gone");
        // The new snapshot has no deletes: the rows of users deleted while the slot was gone are removed by a repair, as
        // capture's warning and docs/operations.md say.
        traffic.pause();
        awaitAllUp();
        publicUsers.removeOrphans(deployment.kafka().bootstrapServers());
        assertConverged();
    }

    @Test
    void shouldRebuildTheStreamProcessorsStateWhenItsStateDirectoryWasDeletedWhileItWasDown() throws Exception {
        UsersyncProcess process = stages.get("process");
        try (HealthWatch health = HealthWatch.start(stages.values())) {
            process.kill();
            FileTrees.deleteRecursively(process.dataDir().resolve("streams"));
            awaitMoreChanges(CHANGES_PER_SECOND);
            int signUps = traffic.signUps();
            long healed = System.nanoTime();
            process.start();
            awaitRecovered("state directory deleted", signUps, healed, health);
            assertWentDownAndCameBackUp(health, "process", HealthWatch.NO_ANSWER);
        }
    }

    /**
     * The disk of the state directory went read-only and the processor crashed on it: started again, it must say why
     * and report DOWN while the other stages go on, and catch up by itself once the directory is writable.
     */
    @Test
    void shouldReportTheStreamProcessorDownWhileItsStateDirectoryIsReadOnlyAndCatchUpOnceItIsWritable() throws Exception {
        UsersyncProcess process = stages.get("process");
        Path state = process.dataDir().resolve("streams");
        try (HealthWatch health = HealthWatch.start(stages.values())) {
            awaitMoreChanges(random.nextInt(60));
            process.kill();
            ReadOnlyTree.makeReadOnly(state);
            try {
                process.start();
                await().atMost(AT_MOST).pollInterval(POLL).until(() -> process.health().get("process"),
                        status -> status != null && status.startsWith("DOWN: state directory not writable"));
                assertThat(process.logText()).contains("Stream processor cannot write its state directory " + state);
                assertThat(stages.get("capture").isUp()).isTrue();
                assertThat(stages.get("sink").isUp()).isTrue();
                awaitMoreChanges(CHANGES_PER_SECOND);
            } finally {
                ReadOnlyTree.makeWritable(state);
            }
            int signUps = traffic.signUps();
            long healed = System.nanoTime();
            awaitRecovered("state directory read-only", signUps, healed, health);
            assertWentDownAndCameBackUp(health, "process", "DOWN: state directory not writable");
        }
    }

    private void killAtRandomPoints(UsersyncProcess stage, int kills) throws Exception {
        for (int kill = 1; kill <= kills; kill++) {
            try (HealthWatch health = HealthWatch.start(stages.values())) {
                awaitMoreChanges(random.nextInt(60));
                stage.kill();
                awaitMoreChanges(random.nextInt(CHANGES_PER_SECOND));
                int signUps = traffic.signUps();
                long healed = System.nanoTime();
                stage.start();
                awaitRecovered("kill -9 of " + stage.name() + " #" + kill, signUps, healed, health);
                assertWentDownAndCameBackUp(health, stage.name(), HealthWatch.NO_ANSWER);
            }
            traffic.start(CHANGES_PER_SECOND);
        }
    }

    private void awaitRecovered(String fault, int signUpsAtHeal, long healedAt, HealthWatch health) throws Exception {
        awaitCaughtUp(fault, signUpsAtHeal, healedAt, health);
        assertConverged();
    }

    /** Waits until every stage is UP and every sign-up made before the heal is in public.users; prints how long it took. */
    private void awaitCaughtUp(String fault, int signUpsAtHeal, long healedAt, HealthWatch health) throws Exception {
        awaitAllUp();
        await().atMost(AT_MOST).pollInterval(POLL)
                .until(() -> publicUsers.syncedIds().containsAll(traffic.liveOfFirst(signUpsAtHeal)));
        String recovery = String.format("ChaosIT: %-28s every stage UP and every sign-up made before the heal in public.users"
                + " %5.1f s after it;"
                + " %d changes made, %d refused by a database that was down; health: %s", fault,
                (System.nanoTime() - healedAt) / 1e9, traffic.made(), traffic.refused(), health.describe());
        System.out.println(recovery);
        recoveries.add(recovery);
    }

    /** The stage reported {@code down} (or did not answer) at some point, and UP after it. */
    private static void assertWentDownAndCameBackUp(HealthWatch health, String stage, String down) {
        List<String> statuses = await().atMost(AT_MOST).pollInterval(POLL).until(() -> health.statuses(stage),
                seen -> !seen.isEmpty() && seen.get(seen.size() - 1).equals("UP"));
        assertThat(statuses).as("health of " + stage).anyMatch(status -> status.startsWith(down));
    }

    private void assertConverged() throws Exception {
        traffic.pause();
        convergence.assertConverged();
        awaitAllUp();
    }

    private void awaitAllUp() {
        stages.values().forEach(stage -> stage.awaitUp(AT_MOST));
    }

    private void awaitMoreChanges(int count) {
        int target = traffic.made() + count;
        await().atMost(AT_MOST).pollInterval(Duration.ofMillis(10)).until(() -> traffic.made() >= target);
    }

    private void dropReplicationSlot() throws SQLException {
        await().atMost(AT_MOST).pollInterval(POLL).ignoreExceptions().until(() -> {
            try (Connection connection = deployment.connect(); Statement statement = connection.createStatement()) {
                statement.execute("select pg_drop_replication_slot('usersync')");
                return true;
            }
        });
    }
}
