package io.usersync.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import io.usersync.app.bench.Distribution;
import io.usersync.app.bench.OpenLoopDriver;

/**
 * A benchmark that prints figures and asserts no time: sustained sign-ups per second of the multi-process deployment
 * ({@link ClusterIT}'s: three brokers, PostgreSQL, one capture, two sinks) with 3, then 2, then 1 process instances,
 * and the CPU each process spent per user. Per instance count, open-loop sign-ups (40 colliding email local parts) step
 * up through the rates; a rate is sustained when the driver kept its schedule and the p99 from a sign-up's commit to
 * its row in public.users stayed under a second. The count goes down by stopping an instance (SIGTERM), so the tasks
 * it had move to instances that were running. CPU is read from /proc for every process (JVMs; PostgreSQL with its
 * backends), over each rate's window up to its last row, with the whole host's busy time beside it: on a shared host
 * the rest is other work. The cost per user is above what the same processes spend at one sign-up a second (idle:
 * heartbeats, fetch loops, replication). Run and options: docs/operations.md, Sizing.
 */
class ClusterBench {

    private static final Path OUT = Path.of("target", "cluster-bench");
    private static final Duration AT_MOST = Duration.ofMinutes(3);
    private static final Map<String, String> SETTINGS = Map.of("USERSYNC_PARTITIONS", "6");
    private static final int CONNECTIONS = 4;
    private static final int LOCAL_PARTS = 40;
    private static final double SUSTAINED_P99_MS = 1000;
    private static final int IDLE_SECONDS = 10;
    private static final List<String> STAGES = List.of("capture", "process", "sink", "kafka", "postgres", "driver");
    /** Every process of the host, this deployment's and any other's: its CPU is in {@code cpuNanos} under this name. */
    private static final String HOST = "host";

    private final List<Integer> rates = Arrays.stream(System.getProperty("cluster.bench.rates", "50,100,250,500,1000")
            .split(",")).map(String::trim).map(Integer::parseInt).toList();
    private final int seconds = Integer.parseInt(System.getProperty("cluster.bench.seconds", "15"));
    private final List<String> lines = new ArrayList<>();
    /** The highest resident memory seen of each process, by name: its kernel-kept peak, read after each rate. */
    private final Map<String, Double> peakResidentMib = new TreeMap<>();

    /**
     * One rate's run.
     *
     * @param idleCores each stage's CPU, in cores, at one sign-up a second with the same instances: what the processes
     *                  spend without work (heartbeats, fetch loops, replication), subtracted for the cost per user
     */
    private record Phase(int instances, int rate, int signUps, OpenLoopDriver.Summary driver, Distribution commitToRow,
            double seconds, Map<String, Long> cpuNanos, Map<String, Double> idleCores) {

        boolean sustained() {
            return !driver.behindSchedule() && commitToRow.p99Ms() != null && commitToRow.p99Ms() < SUSTAINED_P99_MS;
        }

        /** CPU of the stage's processes as a share of one core over the phase's window. */
        double coreShare(String stage) {
            return cpuNanos.get(stage) / 1e9 / seconds;
        }

        /** CPU ms per user above the idle processes' own. */
        double msPerUser(String stage) {
            return (cpuNanos.get(stage) / 1e9 - idleCores.getOrDefault(stage, 0.0) * seconds) * 1e3 / signUps;
        }
    }

    @Test
    void shouldSyncEverySignUpOfEveryRateWithThreeTwoAndOneProcessInstances() throws Exception {
        try (Deployment deployment = Deployment.start(OUT, 3, SETTINGS)) {
            Map<String, String> processSettings = ClusterSettings.withOverrides(Map.of(),
                    System.getProperty("cluster.process.settings"));
            Map<String, List<UsersyncProcess>> stages = new LinkedHashMap<>();
            stages.put("capture", List.of(deployment.startInstance("capture", "capture")));
            List<UsersyncProcess> processes = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                processes.add(deployment.startInstance("process-" + i, "process", processSettings));
            }
            stages.put("process", processes);
            stages.put("sink", List.of(deployment.startInstance("sink-1", "sink"), deployment.startInstance("sink-2", "sink")));
            stages.values().forEach(instances -> instances.forEach(instance -> instance.awaitUp(AT_MOST)));
            run(deployment, stages, 3, 100, 5, Map.of());
            List<Phase> phases = new ArrayList<>();
            for (int instances = 3; instances >= 1; instances--) {
                if (instances < 3) {
                    processes.remove(instances).stop();
                    processes.forEach(instance -> instance.awaitUp(AT_MOST));
                    run(deployment, stages, instances, 100, 3, Map.of());
                }
                Phase idle = run(deployment, stages, instances, 1, IDLE_SECONDS, Map.of());
                Map<String, Double> idleCores = new LinkedHashMap<>();
                STAGES.forEach(stage -> idleCores.put(stage, idle.coreShare(stage)));
                print(String.format("ClusterBench: %d process instance(s), idle (1 sign-up/s), CPU (cores): %s, host busy %.2f",
                        instances, idleCores.entrySet().stream().map(entry -> String.format("%s %.2f", entry.getKey(),
                                entry.getValue())).collect(Collectors.joining(" ")), idle.coreShare(HOST)));
                for (int rate : rates) {
                    Phase phase = run(deployment, stages, instances, rate, seconds, idleCores);
                    phases.add(phase);
                    print(describe(phase));
                    if (!phase.sustained()) {
                        break;
                    }
                }
            }
            summarize(phases, processSettings);
            print("");
            print("ClusterBench: peak resident memory, MiB: " + peakResidentMib.entrySet().stream()
                    .map(entry -> String.format("%s %.0f", entry.getKey(), entry.getValue())).collect(Collectors.joining(", ")));
            assertThat(phases).allMatch(phase -> phase.commitToRow().count() == phase.signUps());
        }
        Files.write(OUT.resolve("report.txt"), lines);
    }

    private Phase run(Deployment deployment, Map<String, List<UsersyncProcess>> stages, int instances, int rate, int forSeconds,
            Map<String, Double> idleCores) throws Exception {
        int count = rate * forSeconds;
        UUID[] ids = new UUID[count];
        Arrays.setAll(ids, i -> UUID.randomUUID());
        DataSource database = deployment.database();
        Map<String, List<Long>> pids = pids(deployment, stages);
        Map<String, Long> before = cpu(pids);
        long hostBefore = ProcessCpu.hostBusyNanos();
        long started = System.nanoTime();
        OpenLoopDriver.Schedule schedule = new OpenLoopDriver(OpenLoopDriver.Clock.SYSTEM).run(rate, count, CONNECTIONS,
                () -> signUp(database, ids));
        await().atMost(AT_MOST).pollInterval(Duration.ofMillis(100)).until(() -> synced(database, ids), Predicate.isEqual(count));
        double elapsed = (System.nanoTime() - started) / 1e9;
        Map<String, Long> used = cpu(pids);
        used.replaceAll((stage, nanos) -> nanos - before.get(stage));
        used.put(HOST, ProcessCpu.hostBusyNanos() - hostBefore);
        recordPeakResident(deployment, stages);
        return new Phase(instances, rate, count, schedule.summary(CONNECTIONS), Distribution.ofMicros(commitToRowMicros(database, ids)),
                elapsed, used, idleCores);
    }

    private void recordPeakResident(Deployment deployment, Map<String, List<UsersyncProcess>> stages) {
        stages.values().forEach(instances -> instances.forEach(instance -> peakResidentMib.merge(instance.name(),
                ProcessCpu.peakResidentMib(instance.pid()), Math::max)));
        deployment.kafka().nodes().forEach(node -> peakResidentMib.merge("broker-" + node.nodeId(),
                ProcessCpu.peakResidentMib(node.pid()), Math::max));
    }

    private static Map<String, List<Long>> pids(Deployment deployment, Map<String, List<UsersyncProcess>> stages)
            throws IOException {
        Map<String, List<Long>> pids = new LinkedHashMap<>();
        stages.forEach((stage, instances) -> pids.put(stage, instances.stream().map(UsersyncProcess::pid).toList()));
        pids.put("kafka", deployment.kafka().nodes().stream().map(BrokerProcess::pid).toList());
        pids.put("postgres", List.of(deployment.postgresPid()));
        pids.put("driver", List.of(ProcessHandle.current().pid()));
        return pids;
    }

    /** PostgreSQL with its backends; every other process alone (the driver's JVM is the parent of every other JVM). */
    private static Map<String, Long> cpu(Map<String, List<Long>> pids) {
        Map<String, Long> nanos = new LinkedHashMap<>();
        pids.forEach((stage, list) -> nanos.put(stage, list.stream()
                .mapToLong(stage.equals("postgres") ? ProcessCpu::treeNanos : ProcessCpu::nanos).sum()));
        return nanos;
    }

    /** One driver connection: sign-up i's email local part is one of 40, so usernames collide. */
    private static OpenLoopDriver.SignUp signUp(DataSource database, UUID[] ids) throws SQLException {
        Connection connection = database.getConnection();
        PreparedStatement insert = connection.prepareStatement("insert into auth.users (instance_id, id, aud, role, email,"
                + " raw_user_meta_data, raw_app_meta_data, created_at, updated_at) values"
                + " ('00000000-0000-0000-0000-000000000000', ?, 'authenticated', 'authenticated', ?, '{}'::jsonb,"
                + " '{\"provider\":\"email\",\"providers\":[\"email\"]}'::jsonb, now(), now())");
        return new OpenLoopDriver.SignUp() {
            @Override
            public void insert(int index) throws SQLException {
                insert.setObject(1, ids[index]);
                insert.setString(2, "member" + index % LOCAL_PARTS + "@" + ids[index] + ".example.com");
                insert.executeUpdate();
            }

            @Override
            public void close() throws SQLException {
                insert.close();
                connection.close();
            }
        };
    }

    private static int synced(DataSource database, UUID[] ids) throws SQLException {
        try (Connection connection = database.getConnection();
                PreparedStatement count = connection.prepareStatement("select count(*) from public.users where id = any(?)")) {
            count.setArray(1, connection.createArrayOf("uuid", ids));
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** From each sign-up's commit (auth.users.created_at, now() of its one-statement transaction) to its row's write. */
    private static long[] commitToRowMicros(DataSource database, UUID[] ids) throws SQLException {
        try (Connection connection = database.getConnection(); PreparedStatement latency = connection.prepareStatement(
                "select (extract(epoch from u.synced_at - a.created_at) * 1e6)::bigint from public.users u"
                        + " join auth.users a on a.id = u.id where u.id = any(?)")) {
            Array array = connection.createArrayOf("uuid", ids);
            latency.setArray(1, array);
            List<Long> micros = new ArrayList<>();
            try (ResultSet rs = latency.executeQuery()) {
                while (rs.next()) {
                    micros.add(rs.getLong(1));
                }
            }
            return micros.stream().mapToLong(Long::longValue).toArray();
        }
    }

    private static String describe(Phase phase) {
        StringBuilder line = new StringBuilder(String.format("ClusterBench: %d process instance(s), %,5d/s offered: %,6.0f/s"
                + " driven%s, commit->row p50 %6.1f ms p99 %7.1f ms, %s; CPU (cores):", phase.instances(), phase.rate(),
                phase.driver().achievedRate(), phase.driver().behindSchedule() ? " (BEHIND)" : "", phase.commitToRow().p50Ms(),
                phase.commitToRow().p99Ms(), phase.sustained() ? "sustained" : "NOT sustained"));
        STAGES.forEach(stage -> line.append(String.format(" %s %.2f", stage, phase.coreShare(stage))));
        line.append(String.format(", host busy %.2f of %d", phase.coreShare(HOST), Runtime.getRuntime().availableProcessors()));
        line.append("; CPU ms/user above idle:");
        STAGES.forEach(stage -> line.append(String.format(" %s %.3f", stage, phase.msPerUser(stage))));
        return line.toString();
    }

    private void summarize(List<Phase> phases, Map<String, String> processSettings) {
        print("");
        print(String.format("ClusterBench: %d s per rate, %d driver connections, 6 partitions, process settings %s, %d cores",
                seconds, CONNECTIONS, processSettings, Runtime.getRuntime().availableProcessors()));
        print("| process instances | sign-ups/s | sustained | p50 ms | p99 ms | CPU, cores: capture | process (per instance)"
                + " | sink (2) | kafka (3) | postgres | driver | total | host busy | CPU ms/user above idle: capture | process"
                + " | sink | kafka | postgres |");
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        phases.forEach(phase -> print(row(phase)));
    }

    private static String row(Phase phase) {
        double total = STAGES.stream().mapToDouble(phase::coreShare).sum();
        return String.format("| %d | %,d | %s | %.1f | %.1f | %.2f | %.2f (%.2f) | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f"
                + " | %.3f | %.3f | %.3f | %.3f | %.3f |", phase.instances(), phase.rate(), phase.sustained() ? "yes" : "no",
                phase.commitToRow().p50Ms(),
                phase.commitToRow().p99Ms(), phase.coreShare("capture"), phase.coreShare("process"),
                phase.coreShare("process") / phase.instances(), phase.coreShare("sink"), phase.coreShare("kafka"),
                phase.coreShare("postgres"), phase.coreShare("driver"), total, phase.coreShare(HOST),
                phase.msPerUser("capture"), phase.msPerUser("process"), phase.msPerUser("sink"), phase.msPerUser("kafka"),
                phase.msPerUser("postgres"));
    }

    private void print(String line) {
        System.out.println(line);
        lines.add(line);
    }
}
