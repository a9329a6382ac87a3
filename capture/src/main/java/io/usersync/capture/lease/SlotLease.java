package io.usersync.capture.lease;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.schemas.database.DatabaseSettings;

/**
 * The right to read one replication slot: a PostgreSQL session-level advisory lock whose key is made of the slot's
 * name, held on a connection of its own for as long as capture reads. When the process dies, even by {@code kill -9},
 * the kernel closes its socket, PostgreSQL ends the session and frees the lock, and a standby's next
 * {@link #tryAcquire()} gets it. A host that vanishes without closing its socket is noticed by the TCP keepalives
 * this session sets (about 11 s).
 *
 * <p>The lock only decides who may start reading; PostgreSQL itself refuses a second reader of a slot that is
 * active, so whoever takes the lease also waits for the slot's previous reader to be gone ({@link #slotReader()}).
 * Not thread-safe: one thread of the capture stage uses it.
 */
public final class SlotLease implements AutoCloseable {

    /** How the lease's session shows in {@code pg_stat_activity.application_name}. */
    public static final String APPLICATION_NAME = "usersync-capture-lease";
    private static final Logger log = LoggerFactory.getLogger(SlotLease.class);

    private final DatabaseSettings database;
    private final String slotName;
    private final long key;
    private Connection connection;
    private boolean held;

    public SlotLease(DatabaseSettings database, String slotName) {
        this.database = database;
        this.slotName = slotName;
        this.key = key(slotName);
    }

    /**
     * The advisory lock's key: the first 8 bytes of SHA-256 of {@code "usersync capture slot " + slotName}, so that
     * deployments with other slots on one database never contend, and nothing else's locks collide with it by chance.
     * In {@code pg_locks} it shows as {@code classid} (high 32 bits), {@code objid} (low 32 bits), {@code objsubid = 1}.
     */
    public static long key(String slotName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("usersync capture slot " + slotName).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Takes the lease if nobody holds it; true when this instance holds it now. */
    public boolean tryAcquire() throws SQLException {
        if (held) {
            return true;
        }
        try (PreparedStatement statement = connection().prepareStatement("select pg_try_advisory_lock(?)")) {
            statement.setLong(1, key);
            try (ResultSet rs = statement.executeQuery()) {
                held = rs.next() && rs.getBoolean(1);
                return held;
            }
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    /**
     * Whether the session that took the lease is still there and still holds it. False once its connection broke: then
     * PostgreSQL has ended, or will end, the session and another instance may take the lease.
     */
    public boolean stillHeld() {
        if (!held) {
            return false;
        }
        try (PreparedStatement statement = connection.prepareStatement("select exists (select 1 from pg_locks"
                + " where locktype = 'advisory' and pid = pg_backend_pid() and granted"
                + " and classid::bigint = ? and objid::bigint = ? and objsubid = 1)")) {
            statement.setQueryTimeout(5);
            statement.setLong(1, key >>> 32);
            statement.setLong(2, key & 0xFFFF_FFFFL);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /** The backend process of the session holding the lease, if any (a pid, for the log). */
    public OptionalInt holder() throws SQLException {
        try (PreparedStatement statement = connection().prepareStatement("select pid from pg_locks"
                + " where locktype = 'advisory' and granted and classid::bigint = ? and objid::bigint = ? and objsubid = 1")) {
            statement.setLong(1, key >>> 32);
            statement.setLong(2, key & 0xFFFF_FFFFL);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
            }
        }
    }

    /** The walsender process reading the slot now, if any: PostgreSQL refuses another reader until it is gone. */
    public OptionalInt slotReader() throws SQLException {
        try (PreparedStatement statement = connection().prepareStatement(
                "select active_pid from pg_replication_slots where slot_name = ? and active")) {
            statement.setString(1, slotName);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
            }
        }
    }

    /**
     * Waits until no process reads the slot: after a takeover, the walsender of the capture that died may outlive it
     * for a moment (up to {@code wal_sender_timeout} when its host vanished).
     *
     * @throws IllegalStateException when the slot is still read after {@code timeout}: by something that does not take
     *                               the lease
     */
    public void awaitSlotReleased(Duration timeout, Duration poll) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            OptionalInt reader = slotReader();
            if (reader.isPresent()) {
                log.info("Capture waits for backend pid {} to stop reading slot {}: PostgreSQL lets one process read a slot",
                        reader.getAsInt(), slotName);
            }
            while (reader.isPresent()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("replication slot '" + slotName + "' is still read by backend pid "
                            + reader.getAsInt() + " " + timeout.toSeconds() + " s after this capture took its lease: a capture"
                            + " without the lease (an older release) or another tool reads it. Fix: stop that reader, or give"
                            + " this deployment another slot (USERSYNC_SLOT_NAME).");
                }
                TimeUnit.MILLISECONDS.sleep(poll.toMillis());
                reader = slotReader();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the state of replication slot " + slotName + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for replication slot " + slotName, e);
        }
    }

    /** Gives the lease up by ending its session. */
    @Override
    public void close() {
        held = false;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // The session is gone either way, and with it the lock.
            }
            connection = null;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Properties properties = new Properties();
            properties.setProperty("user", database.user());
            if (database.password() != null) {
                properties.setProperty("password", database.password());
            }
            properties.setProperty("ApplicationName", APPLICATION_NAME);
            properties.setProperty("tcpKeepAlive", "true");
            connection = DriverManager.getConnection(database.jdbcUrl(), properties);
            try (Statement statement = connection.createStatement()) {
                // The server notices a vanished client after 5 s idle plus 3 unanswered probes 2 s apart, and frees the
                // lock; without these it waits for the operating system's default, often two hours. An idle session
                // timeout would end the lease while capture runs. Only the settings this server version has.
                statement.execute("select set_config(name, case name when 'tcp_keepalives_idle' then '5'"
                        + " when 'tcp_keepalives_interval' then '2' when 'tcp_keepalives_count' then '3' else '0' end, false)"
                        + " from pg_settings where name in ('tcp_keepalives_idle', 'tcp_keepalives_interval',"
                        + " 'tcp_keepalives_count', 'idle_session_timeout')");
            }
        }
        return connection;
    }
}
