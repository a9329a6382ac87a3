package io.usersync.app.chaos;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.usersync.schemas.testing.AuthUsersTable;

/**
 * usersync deployed as an operator would scale it out: a three-broker KRaft cluster (replication factor 3,
 * min.insync.replicas 2), a PostgreSQL, and every stage in {@code usersync run} processes of its own (one capture,
 * three process instances, two sink instances), all separate processes. While users sign up with colliding names, one
 * process instance, one broker and one sink instance are killed with {@code kill -9}, and the instances are added
 * back. Afterwards every user is in public.users, no username is held twice, every username stayed as it was given, no
 * row version was written twice and no deleted user came back ({@link Convergence}). The time from each kill until
 * every user who signed up by a second after it was in public.users is printed, not asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {

    /** A functional bound only. */
    private static final Duration AT_MOST = Duration.ofMinutes(3);
    private static final int CHANGES_PER_SECOND = 20;
    private static final int USERS_BEFORE = 100;
    private static final long SEED = 20261202L;
    private static final Map<String, String> SETTINGS = Map.of("USERSYNC_PARTITIONS", "6");
    /**
     * The process instances' settings besides SETTINGS: none, their failover is the processor's default (a 6 s session,
     * heartbeats every 0.5 s; docs/operations.md, Failover of process and sink instances and brokers). Measuring
     * others: {@code -Dcluster.process.settings=NAME=value,...}, e.g. {@code KAFKA_SESSION_TIMEOUT_MS=45000} for Kafka's
     * default.
     */
    private static final Map<String, String> PROCESS_SETTINGS = Map.of();

    private final List<String> failovers = new ArrayList<>();
    private final List<UsersyncProcess> instances = new ArrayList<>();
    private final List<UsersyncProcess> processInstances = new ArrayList<>();
    private final List<UsersyncProcess> sinkInstances = new ArrayList<>();
    private Deployment deployment;
    private PublicUsers publicUsers;
    private Convergence convergence;
    private Traffic traffic;
    private Map<String, String> processSettings;

    @BeforeAll
    void startTheDeployment() throws Exception {
        deployment = Deployment.start(Path.of("target", "cluster-it"), 3, SETTINGS);
        publicUsers = new PublicUsers(deployment.database());
        publicUsers.countWrites();
        convergence = new Convergence(publicUsers, deployment.kafka().bootstrapServers());
        traffic = new Traffic(new AuthUsersTable(deployment::connect), SEED);
        traffic.signUp(USERS_BEFORE);
        processSettings = ClusterSettings.withOverrides(PROCESS_SETTINGS, System.getProperty("cluster.process.settings"));
        instances.add(deployment.startInstance("capture", "capture"));
        for (int i = 1; i <= 3; i++) {
            processInstances.add(deployment.startInstance("process-" + i, "process", processSettings));
        }
        instances.addAll(processInstances);
        sinkInstances.add(deployment.startInstance("sink-1", "sink"));
        sinkInstances.add(deployment.startInstance("sink-2", "sink"));
        instances.addAll(sinkInstances);
        instances.forEach(instance -> instance.awaitUp(AT_MOST));
        convergence.assertConverged();
    }

    @AfterAll
    void stopTheDeployment() throws Exception {
        failovers.forEach(System.out::println);
        if (traffic != null) {
            traffic.close();
        }
        if (deployment != null) {
            deployment.close();
        }
    }

    @Test
    void shouldSyncEveryUserOnceUnderOneUniqueUsernameThroughKilledInstancesAKilledBrokerAndInstancesAddedBack()
            throws Exception {
        traffic.start(CHANGES_PER_SECOND);
        awaitMoreChanges(2 * CHANGES_PER_SECOND);
        UsersyncProcess victim = processInstances.get(1);
        failover("kill -9 of " + victim.name(), victim::kill);
        failover("kill -9 of broker 2", deployment.kafka().node(2)::kill);
        victim.start();
        victim.awaitUp(AT_MOST);
        awaitMoreChanges(2 * CHANGES_PER_SECOND);
        UsersyncProcess sink = sinkInstances.get(1);
        failover("kill -9 of " + sink.name(), sink::kill);
        sink.start();
        sink.awaitUp(AT_MOST);
        awaitMoreChanges(2 * CHANGES_PER_SECOND);
        traffic.pause();
        convergence.assertConverged();
        instances.forEach(instance -> instance.awaitUp(AT_MOST));
    }

    /** A fault: something killed. */
    @FunctionalInterface
    private interface Fault {
        void inject() throws Exception;
    }

    /**
     * Injects the fault while the changes go on and waits until every user who signed up before it, or in the second
     * after it, is in public.users: a second's sign-ups land on every partition, the dead member's too.
     */
    private void failover(String name, Fault fault) throws Exception {
        long injected = System.nanoTime();
        fault.inject();
        awaitMoreChanges(CHANGES_PER_SECOND);
        int signUps = traffic.signUps();
        await().atMost(AT_MOST).pollInterval(Duration.ofMillis(50))
                .until(() -> publicUsers.syncedIds().containsAll(traffic.liveOfFirst(signUps)));
        String failover = String.format("ClusterIT: %-26s every user who signed up by a second after it in public.users"
                + " %5.1f s after it (process instances: %s)", name, (System.nanoTime() - injected) / 1e9, processSettings);
        System.out.println(failover);
        failovers.add(failover);
    }

    private void awaitMoreChanges(int count) {
        int target = traffic.made() + count;
        await().atMost(AT_MOST).pollInterval(Duration.ofMillis(10)).until(() -> traffic.made() >= target);
    }
}
