package io.usersync.app.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.usersync.app.config.AppConfig;
import io.usersync.app.config.ConfigLoader;
import io.usersync.app.config.Setting;
import io.usersync.app.logging.LogOutput;
import io.usersync.app.reconcile.DriftReport;
import io.usersync.app.reconcile.Reconciler;
import io.usersync.app.run.Application;
import io.usersync.app.run.ScratchDirectory;
import io.usersync.app.run.WarmUp;
import io.usersync.schemas.TopicNames;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.kafka.KafkaClientSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts everything embedded, signs up users (Google, GitHub, email and phone shaped, with",
                "colliding names), updates and deletes some, waits for public.users to catch up and prints a summary."})
public final class DemoCommand implements Callable<Integer> {

    private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(3);
    private static final int BAR_WIDTH = 40;

    @Option(names = "--users", description = "sign-ups to make (default ${DEFAULT-VALUE})", defaultValue = "2000")
    int users;

    @Option(names = "--rate", description = "sign-ups per second (default ${DEFAULT-VALUE})", defaultValue = "500")
    int rate;

    @Option(names = "--keep-running", description = "stay up afterwards, print how to connect and keep signing up users"
            + " at --trickle per second, so the dashboard shows them flowing")
    boolean keepRunning;

    @Option(names = "--trickle", description = "sign-ups per second while --keep-running (default ${DEFAULT-VALUE}; 0 for none)",
            defaultValue = "5")
    int trickle;

    @Option(names = "--http-port", description = "port of the ops endpoints (default: any free port)", defaultValue = "0")
    int httpPort;

    @Option(names = "--data-dir", description = "where the embedded servers keep their data (default: a new temporary directory)")
    Path dataDir;

    @Option(names = "--log-file", description = "where the pipeline's log goes (default ${DEFAULT-VALUE}, replaced each run)",
            defaultValue = "usersync-demo.log")
    Path logFile;

    @Override
    public Integer call() throws Exception {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.remove(Setting.DB_URL.variable());
        // The demo always runs on its in-process broker, which speaks PLAINTEXT: no client settings of a cluster.
        environment.keySet().removeIf(KafkaClientSettings::isClientVariable);
        try (ScratchDirectory directory = ScratchDirectory.givenOrTemporary(dataDir, "usersync-demo-");
                Application application = Application.start(logToFile(ConfigLoader.load(environment, Map.of(
                        Setting.DATA_DIR.variable(), directory.path().toString(),
                        Setting.HTTP_PORT.variable(), Integer.toString(httpPort)))));
                Connection connection = application.database().getConnection()) {
            printWhereThingsRun(application);
            WarmUp.awaitHealthy(application);
            System.out.printf("Dashboard: %s%n", application.dashboardUrl());
            System.out.printf("Pipeline warmed up in %.1f s%n", WarmUp.sendOneUserThrough(connection).toMillis() / 1e3);
            System.out.printf("%nSigning up %,d users at %,d per second...%n", users, rate);
            SignUps signUps = new SignUps(42);
            List<UUID> ids = signUps.insert(connection, users, rate);
            int renamed = changeSome(connection, ids, rate);
            // No grace period: once the demo stops writing, every difference left is one the pipeline owes.
            Reconciler reconciler = new Reconciler(application.database(), application.config().database().orElseThrow().profileTable(), Duration.ZERO);
            boolean synced = awaitSync(connection, reconciler);
            printSummary(application, connection, reconciler, renamed);
            if (keepRunning) {
                printConnectionHelp(application);
                keepSigningUp(connection, signUps);
            }
            return synced ? 0 : 1;
        }
    }

    /** Until the process is stopped: sign-ups at --trickle per second, or none. */
    private void keepSigningUp(Connection connection, SignUps signUps) throws SQLException, InterruptedException {
        if (trickle <= 0) {
            new CountDownLatch(1).await();
        }
        System.out.printf("Signing up %d users per second until stopped; watch them on the dashboard.%n", trickle);
        while (!Thread.currentThread().isInterrupted()) {
            // A minute per call: each call paces from its own start, so short calls would run ahead of the rate.
            signUps.insert(connection, trickle * 60, trickle);
        }
    }

    /**
     * The terminal is for a person: the pipeline's log, warnings of its start and stop included, goes to a file
     * (in the configured format), and the demo prints only where things run, its progress and the summary.
     */
    private AppConfig logToFile(AppConfig config) throws IOException {
        Files.deleteIfExists(logFile);
        LogOutput.toFile(logFile, config.instance().logFormat());
        System.out.printf("Starting PostgreSQL, Kafka and the pipeline in this process; their log: %s%n",
                logFile.toAbsolutePath());
        return config;
    }

    private static void printWhereThingsRun(Application application) {
        AppConfig config = application.config();
        DatabaseSettings database = config.database().orElseThrow();
        System.out.printf("  %-11s %s%n", "PostgreSQL", database.jdbcUrl());
        System.out.printf("  %-11s %s%n", "Kafka", config.kafkaBootstrapServers().orElseThrow());
        System.out.printf("  %-11s http://127.0.0.1:%d/health, /metrics%n", "Operations", application.httpPort());
    }

    /**
     * Renames every 10th user, hard-deletes every 20th and soft-deletes every 33rd, at the sign-ups' rate;
     * returns how many were renamed.
     */
    private static int changeSome(Connection connection, List<UUID> ids, int perSecond) throws SQLException, InterruptedException {
        Pace pace = new Pace(perSecond);
        int changes = 0;
        int renamed = 0;
        try (PreparedStatement rename = connection.prepareStatement("update auth.users set raw_user_meta_data ="
                + " raw_user_meta_data || jsonb_build_object('full_name', 'Renamed ' || ?::text), updated_at = now() where id = ?");
                PreparedStatement delete = connection.prepareStatement("delete from auth.users where id = ?");
                PreparedStatement softDelete = connection.prepareStatement(
                        "update auth.users set deleted_at = now(), updated_at = now() where id = ?")) {
            for (int i = 0; i < ids.size(); i++) {
                if (i % 20 == 7 || i % 33 == 5 || i % 10 == 3) {
                    pace.awaitTurn(changes++);
                }
                if (i % 20 == 7) {
                    delete.setObject(1, ids.get(i));
                    delete.executeUpdate();
                } else if (i % 33 == 5) {
                    softDelete.setObject(1, ids.get(i));
                    softDelete.executeUpdate();
                } else if (i % 10 == 3) {
                    rename.setString(1, Integer.toString(i));
                    rename.setObject(2, ids.get(i));
                    rename.executeUpdate();
                    renamed++;
                }
            }
        }
        return renamed;
    }

    /**
     * Live users in auth.users, rows in public.users, and what reconcile finds out of step between them: it
     * normalizes each auth.users row with the pipeline's own code and compares the result with the row.
     */
    private record Counts(long live, long rows, DriftReport drift) {

        boolean inSync() {
            return live == rows && drift.total() == 0;
        }

        /** Live users whose row is there and equal to what the pipeline makes of their auth.users row. */
        long synced() {
            return Math.max(0, live - drift.missing().size() - drift.drifted().size());
        }
    }

    private static Counts counts(Connection connection, Reconciler reconciler) throws SQLException {
        DriftReport drift = reconciler.run();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("""
                select (select count(*) from auth.users where deleted_at is null), (select count(*) from public.users)
                """)) {
            rs.next();
            return new Counts(rs.getLong(1), rs.getLong(2), drift);
        }
    }

    private static boolean awaitSync(Connection connection, Reconciler reconciler) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
        Counts counts = counts(connection, reconciler);
        while (!counts.inSync() && System.nanoTime() < deadline) {
            progress(counts);
            TimeUnit.MILLISECONDS.sleep(200);
            counts = counts(connection, reconciler);
        }
        progress(counts);
        System.out.println();
        return counts.inSync();
    }

    private static void progress(Counts counts) {
        long done = Math.min(counts.synced(), counts.live());
        int filled = counts.live() == 0 ? BAR_WIDTH : (int) (BAR_WIDTH * done / counts.live());
        System.out.printf("\rSyncing [%s%s] %,d/%,d users in public.users", "#".repeat(filled),
                ".".repeat(BAR_WIDTH - filled), done, counts.live());
        System.out.flush();
    }

    private void printSummary(Application application, Connection connection, Reconciler reconciler, int renamed)
            throws Exception {
        Counts counts = counts(connection, reconciler);
        Timer latency = application.registry().find("usersync.sync.latency").timer();
        String percentiles = "n/a";
        if (latency != null) {
            StringBuilder text = new StringBuilder();
            for (ValueAtPercentile value : latency.takeSnapshot().percentileValues()) {
                text.append(text.length() == 0 ? "" : " / ").append(String.format("%.0f ms", value.value(TimeUnit.MILLISECONDS)));
            }
            percentiles = text.toString();
        }
        System.out.println();
        System.out.println("usersync demo summary");
        System.out.println("---------------------------------------------------------------");
        System.out.printf("  %-34s %,10d%n", "sign-ups", users);
        System.out.printf("  %-34s %,10d%n", "renamed after sign-up", renamed);
        System.out.printf("  %-34s %,10d%n", "users in auth.users (not deleted)", counts.live());
        System.out.printf("  %-34s %,10d%n", "rows in public.users", counts.rows());
        System.out.printf("  %-34s %,10d%n", "out of step (as reconcile finds)", counts.drift().total());
        System.out.printf("  %-34s %10s%n", "every user synced", counts.inSync() ? "yes" : "NO");
        System.out.printf("  %-34s %,10d%n", "dead letters", deadLetters(application.config()));
        System.out.printf("  %-34s %s%n", "latency p50 / p95 / p99", percentiles);
        System.out.println("  (from the commit in auth.users to the commit of the row in public.users)");
        System.out.println();
        System.out.printf("  %-16s %-8s %-24s %s%n", "username", "provider", "full_name", "email");
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(
                "select username, provider, full_name, email from public.users order by created_at, id limit 12")) {
            while (rs.next()) {
                System.out.printf("  %-16s %-8s %-24s %s%n", rs.getString(1), rs.getString(2),
                        truncate(rs.getString(3)), rs.getString(4) == null ? "" : rs.getString(4));
            }
        }
        System.out.println("---------------------------------------------------------------");
    }

    private static long deadLetters(AppConfig config) throws Exception {
        try (Admin admin = Admin.create(config.kafka().clientProperties(Map.of()))) {
            int partitions = admin.describeTopics(List.of(TopicNames.DEAD_LETTERS)).allTopicNames().get()
                    .get(TopicNames.DEAD_LETTERS).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(TopicNames.DEAD_LETTERS, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(info -> info.offset()).sum();
        }
    }

    private static String truncate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 24 ? text : text.substring(0, 23) + "…";
    }

    private static void printConnectionHelp(Application application) {
        AppConfig config = application.config();
        DatabaseSettings database = config.database().orElseThrow();
        System.out.printf("%nStill running. Connect with:%n");
        System.out.printf("  psql -h 127.0.0.1 -p %s -U %s postgres   (password: postgres; JDBC %s)%n",
                database.jdbcUrl().replaceAll(".*:(\\d+)/.*", "$1"), database.user(), database.jdbcUrl());
        System.out.printf("  Kafka bootstrap servers: %s%n", config.kafkaBootstrapServers().orElseThrow());
        System.out.printf("  curl http://127.0.0.1:%d/health%n", application.httpPort());
        System.out.printf("  Dashboard: %s (figures as JSON: curl http://127.0.0.1:%d/metrics.json)%n",
                application.dashboardUrl(), application.httpPort());
        System.out.println("Ctrl-C to stop.");
    }
}
