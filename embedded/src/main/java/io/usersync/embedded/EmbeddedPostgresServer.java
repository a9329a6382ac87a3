package io.usersync.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 15 server from the binaries in a Maven artifact, set up for logical replication.
 * It can be stopped and started again on the same port with the same data, as a database outage would.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    /** A logical walsender holds shutdown until its client confirmed the WAL: that can take seconds. */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(60);
    private static final Duration OWNER_STOP_GRACE = Duration.ofSeconds(20);

    private final Path dataDirectory;
    private final boolean temporary;
    private final int port;
    private final String walLevel;
    private EmbeddedPostgres postgres;
    private boolean stopAtExitRegistered;

    private EmbeddedPostgresServer(Path dataDirectory, boolean temporary, int port, String walLevel) {
        this.dataDirectory = dataDirectory;
        this.temporary = temporary;
        this.port = port;
        this.walLevel = walLevel;
    }

    /** A server on a free port with {@code wal_level=logical}, its data deleted by {@link #close()}. */
    public static EmbeddedPostgresServer startTemporary() {
        return startTemporary("logical");
    }

    /** A temporary server with the given {@code wal_level}: tests use {@code replica} to see capture refuse it. */
    public static EmbeddedPostgresServer startTemporary(String walLevel) {
        EmbeddedPostgresServer server = new EmbeddedPostgresServer(
                Directories.createTemporary("usersync-pg-"), true, FreePorts.next(), walLevel);
        server.start();
        return server;
    }

    /**
     * A server whose data survive restarts in {@code dataDirectory}.
     *
     * @param port the port, or 0 for any free port
     */
    public static EmbeddedPostgresServer start(Path dataDirectory, int port) {
        EmbeddedPostgresServer server = new EmbeddedPostgresServer(
                dataDirectory, false, port == 0 ? FreePorts.next() : port, "logical");
        server.start();
        return server;
    }

    /** Starts the server again after {@link #stop()}, on the same port with the same data. */
    public synchronized void start() {
        if (postgres != null) {
            return;
        }
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(STARTUP_WAIT)
                    // A kept server is stopped by its owner after the stages that use it (stopAtExit): the
                    // binaries' own hook would stop it at once on Ctrl-C, under the stages, which then warn.
                    .setRegisterShutdownHook(temporary)
                    .setServerConfig("wal_level", walLevel)
                    // The binaries' defaults turn synchronous_commit off: WAL then reaches logical decoding only
                    // when the WAL writer flushes (every 200 ms), which adds that much to every change's latency.
                    // On, as on Supabase; fsync stays off, so a flush costs no disk sync.
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_wal_senders", "20")
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "200")
                    .start();
            log.info("Embedded PostgreSQL listening on 127.0.0.1:{} (data in {})", port, dataDirectory);
            if (!temporary && !stopAtExitRegistered) {
                stopAtExitRegistered = true;
                Runtime.getRuntime().addShutdownHook(new Thread(this::stopAtExit, "usersync-embedded-postgres-stop"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start on port " + port, e);
        }
    }

    /**
     * At JVM exit, the owner's own shutdown hook stops the stages and then this server; hooks run concurrently, so
     * this one gives the owner time to, and stops the server itself only when the JVM exits without it (a signal
     * during start-up): the postmaster runs in its own session and would outlive the JVM.
     */
    private void stopAtExit() {
        long deadline = System.nanoTime() + OWNER_STOP_GRACE.toNanos();
        try {
            while (isRunning() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop();
    }

    private synchronized boolean isRunning() {
        return postgres != null;
    }

    /** Stops the server and keeps its data; returns once the postmaster has exited. */
    public synchronized void stop() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not stop", e);
        } finally {
            postgres = null;
        }
        awaitPostmasterExit();
    }

    /**
     * The binaries' stop gives up after a few seconds and leaves the postmaster shutting down; starting
     * again before it is gone fails. Wait for it, and end it if it does not go.
     */
    private void awaitPostmasterExit() {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
        try {
            while (Files.exists(pidFile) && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
                log.warn("Embedded PostgreSQL (pid {}) did not stop within {}; ending it", pid, SHUTDOWN_WAIT);
                ProcessHandle.of(pid).ifPresent(process -> {
                    process.destroyForcibly();
                    process.onExit().join();
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.warn("Could not check that embedded PostgreSQL stopped: {}", e.toString());
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    /** Creates a database; a fresh one per test keeps tests apart on one server. */
    public void createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection connection = postgresDataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
    }

    private synchronized javax.sql.DataSource postgresDataSource() {
        if (postgres == null) {
            throw new IllegalStateException("embedded PostgreSQL is stopped");
        }
        return postgres.getPostgresDatabase();
    }

    @Override
    public void close() {
        stop();
        if (temporary) {
            Directories.deleteRecursively(dataDirectory);
        }
    }
}
