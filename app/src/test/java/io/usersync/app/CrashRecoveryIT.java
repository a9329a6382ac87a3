package io.usersync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.usersync.app.chaos.FreePort;
import io.usersync.app.chaos.JavaProcess;
import io.usersync.app.chaos.PublicUsers;
import io.usersync.app.run.ScratchDirectory;
import io.usersync.schemas.testing.AuthUsersTable;

/**
 * The real {@code ./usersync run}, started by the checkout's launcher as a user starts it (the packaged jar and the
 * class-data archive the build recorded), with its embedded PostgreSQL and Kafka broker, holding tens of thousands of
 * users, killed with {@code kill -9} while users sign up, and started again on the same data directory. The embedded
 * PostgreSQL is a process of its own and outlives the kill, so sign-ups go on while usersync is down, as they would
 * on Supabase.
 * Prints how long the restarted process took until every sign-up made before the restart was in public.users.
 */
class CrashRecoveryIT {

    /** A functional bound only: the time recovery takes is printed, not asserted. */
    private static final Duration AT_MOST = Duration.ofMinutes(3);
    private static final Duration SIGN_UP_INTERVAL = Duration.ofMillis(20);
    /** public.users is read whole at each poll: tens of thousands of rows. */
    private static final Duration POLL = Duration.ofMillis(250);
    private static final int BACKFILL = 40_000;
    private static final int SYNCED_BEFORE_KILL = BACKFILL + 100;
    private static final int SIGNED_UP_WHILE_DOWN = 50;

    private final Path logs = Path.of("target", "crash-recovery-it");
    private final List<SignUp> signUps = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> signUpFailure = new AtomicReference<>();
    private final ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor();
    private ScratchDirectory dataDir;
    private int dbPort;
    private PublicUsers publicUsers;
    private JavaProcess usersync;

    /** One sign-up, in commit order, and the username it must get. */
    private record SignUp(UUID id, String username) {
    }

    @AfterEach
    void stop() throws Exception {
        driver.shutdownNow();
        if (usersync != null) {
            usersync.close();
        }
        if (dataDir != null) {
            stopOrphanedPostgres();
            dataDir.close();
        }
    }

    @Test
    void shouldSyncEverySignUpOnceWithItsUsernameAfterAKillDashNineAndARestart() throws Exception {
        // Not under the OS temp folder, as with run's default ./.usersync: Kafka Streams warns of a state directory there.
        dataDir = ScratchDirectory.givenOrTemporary(null, "crash-recovery-");
        dbPort = FreePort.next();
        PGSimpleDataSource database = new PGSimpleDataSource();
        database.setUrl("jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres");
        database.setUser("postgres");
        database.setPassword("postgres");
        publicUsers = new PublicUsers(database);

        usersync = start("first");
        // The migrations are over once capture made its slot: a trigger created while they still alter public.users
        // can deadlock with them.
        await().atMost(AT_MOST).ignoreExceptions().until(() -> query("select exists (select 1 from pg_replication_slots)"));
        publicUsers.countWrites();
        // One user through the whole pipeline first: capture's snapshot is over, every later sign-up is streamed in
        // commit order, so the n-th "kim" is kim, kim2, ... kim<n>.
        signUpNext();
        await().atMost(AT_MOST).until(() -> publicUsers.usernames().size() == 1);
        // Enough users that the processor's stores reach disk: a store that never left memory hides what a crash
        // leaves behind.
        signUpAtOnce(BACKFILL);
        await().atMost(AT_MOST).pollInterval(POLL).until(() -> publicUsers.usernames().size() == signUps.size());
        driver.scheduleAtFixedRate(this::signUpNext, 0, SIGN_UP_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        awaitWhileSigningUp().until(() -> publicUsers.usernames().size() >= SYNCED_BEFORE_KILL);

        usersync.kill();
        int signedUpAtKill = signUps.size();
        awaitWhileSigningUp().until(() -> signUps.size() >= signedUpAtKill + SIGNED_UP_WHILE_DOWN);
        long restarted = System.nanoTime();
        usersync = start("restarted");
        List<SignUp> beforeRestart = List.copyOf(signUps);
        awaitWhileSigningUp().until(() -> publicUsers.usernames().keySet().containsAll(ids(beforeRestart)));
        Duration recovery = Duration.ofNanos(System.nanoTime() - restarted);
        driver.shutdown();
        assertThat(driver.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        assertThat(signUpFailure.get()).isNull();

        Map<UUID, String> expected = new HashMap<>();
        signUps.forEach(signUp -> expected.put(signUp.id(), signUp.username()));
        await().atMost(AT_MOST).pollInterval(POLL).until(() -> publicUsers.usernames().size() == expected.size());
        // The last: the log of an earlier run in the same target directory comes before it.
        String recoveredLine = Files.readAllLines(usersync.log()).stream().filter(line -> line.contains("recovered in"))
                .reduce((earlier, later) -> later).orElse("(no 'recovered in' line)");
        System.out.printf("CrashRecoveryIT: %d sign-ups, %d of them while usersync was down and %d while it restarted;"
                + " every sign-up made before the restart was in public.users %.1f s after the restart began."
                + " usersync logged: %s%n", expected.size(), beforeRestart.size() - signedUpAtKill,
                expected.size() - beforeRestart.size(), recovery.toMillis() / 1000.0,
                recoveredLine.substring(Math.max(0, recoveredLine.indexOf("recovered in"))));

        assertThat(publicUsers.usernames()).isEqualTo(expected);
        assertThat(publicUsers.writesPerRowVersion()).containsOnlyKeys(1);
        assertThat(recoveredLine).contains("recovered in");
    }

    /** Stops waiting at once when a sign-up failed: the driver signs up no more after a failure. */
    private ConditionFactory awaitWhileSigningUp() {
        return await().atMost(AT_MOST).pollInterval(POLL).failFast("a sign-up failed", () -> signUpFailure.get() != null);
    }

    private JavaProcess start(String name) throws IOException {
        return JavaProcess.usersyncLauncherRun("-Xmx512m -XX:+ExitOnOutOfMemoryError", Map.of("USERSYNC_DATA_DIR", dataDir.path().toString(),
                "USERSYNC_EMBEDDED_DB_PORT", Integer.toString(dbPort), "USERSYNC_HTTP_PORT", "0",
                "USERSYNC_RECONCILE_INTERVAL_S", "0"), logs.resolve(name + ".log"));
    }

    /** Half the users share the base "kim" (kim, kim2, ... in sign-up order); the others have one each. */
    private void signUpNext() {
        int n = signUps.size();
        int kims = (int) signUps.stream().filter(signUp -> signUp.username().startsWith("kim")).count();
        boolean kim = n % 2 == 1;
        String email = kim ? "kim@" + n + ".example.com" : "signup." + n + "@example.com";
        String username = kim ? (kims == 0 ? "kim" : "kim" + (kims + 1)) : "signup_" + n;
        try {
            UUID id = new AuthUsersTable(this::connect).signUp(email, "{}", "{\"provider\":\"email\",\"providers\":[\"email\"]}");
            signUps.add(new SignUp(id, username));
        } catch (SQLException | RuntimeException e) {
            signUpFailure.compareAndSet(null, e);
            throw new IllegalStateException("sign-up failed", e);
        }
    }

    /** Users who signed up before, in one statement: bulk.1@example.com is bulk_1, and so on. */
    private void signUpAtOnce(int count) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("insert into auth.users (instance_id, id, aud, role, email,"
                        + " raw_user_meta_data, raw_app_meta_data, created_at, updated_at)"
                        + " select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated',"
                        + " 'authenticated', 'bulk.' || n || '@example.com', '{}', '{}', now(), now()"
                        + " from generate_series(1, " + count + ") n returning id, split_part(email, '@', 1)")) {
            while (rs.next()) {
                signUps.add(new SignUp(rs.getObject(1, UUID.class), rs.getString(2).replace('.', '_')));
            }
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres", "postgres", "postgres");
    }

    private static List<UUID> ids(List<SignUp> signUps) {
        return signUps.stream().map(SignUp::id).toList();
    }

    private boolean query(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** The embedded PostgreSQL outlives a killed usersync; a clean stop ends it, a failed test may not. */
    private void stopOrphanedPostgres() throws IOException {
        Path pidFile = dataDir.path().resolve("postgres").resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim());
        ProcessHandle.of(pid).ifPresent(postmaster -> {
            postmaster.destroy();
            postmaster.onExit().orTimeout(1, TimeUnit.MINUTES).join();
        });
    }
}
