package io.usersync.app.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariDataSource;

import io.usersync.app.config.AppConfig;
import io.usersync.app.database.ConnectionPools;
import io.usersync.app.run.StageConfigs;

/** The bench's side of the database: it signs users up, numbers them, and waits for their rows. */
final class BenchDatabase implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(500);

    private final PrintStream progress;
    private final HikariDataSource pool;
    private final Connection db;
    private long nextSeq = 1;

    /** @param connections sign-up connections the open-loop driver holds at once, besides the bench's own */
    BenchDatabase(AppConfig config, int connections, PrintStream progress) throws SQLException {
        this.progress = progress;
        this.pool = ConnectionPools.open(StageConfigs.database(config), "usersync-bench", connections + 1);
        this.db = pool.getConnection();
    }

    Connection connection() {
        return db;
    }

    boolean slotExists(String slotName) throws SQLException {
        try (PreparedStatement slot = db.prepareStatement("select count(*) from pg_replication_slots where slot_name = ?")) {
            slot.setString(1, slotName);
            try (ResultSet rs = slot.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** One connection of the open-loop driver: inserts sign-up {@code index} of the phase. */
    OpenLoopDriver.SignUp signUp(long firstSeq, UUID[] ids) throws SQLException {
        Connection connection = pool.getConnection();
        PreparedStatement insert = connection.prepareStatement(FakeUsers.google(FakeUsers.ONE));
        return new OpenLoopDriver.SignUp() {
            @Override
            public void insert(int index) throws SQLException {
                insert.setLong(1, firstSeq + index);
                insert.setObject(2, ids[index]);
                insert.executeUpdate();
            }

            @Override
            public void close() throws SQLException {
                insert.close();
                connection.close();
            }
        };
    }

    /** Inserts {@code count} users with one statement of {@link FakeUsers}, numbered after the last. */
    void bulk(String sql, int count) throws SQLException {
        long first = take(count);
        try (PreparedStatement insert = db.prepareStatement(sql)) {
            insert.setLong(1, first);
            insert.setLong(2, first + count - 1);
            insert.executeUpdate();
        }
    }

    /** Reserves {@code count} user numbers; returns the first. */
    long take(int count) {
        long first = nextSeq;
        nextSeq += count;
        return first;
    }

    /** Waits until the users created in [from, to) all have their row; returns how many do. */
    long awaitSynced(String name, Timestamp from, Timestamp to, long expected, Duration timeout) throws Exception {
        return awaitSynced(name, from, to, expected, timeout, () -> "");
    }

    /** @param more what else to say in each progress line, after the users synced */
    long awaitSynced(String name, Timestamp from, Timestamp to, long expected, Duration timeout, Supplier<String> more)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastReport = System.nanoTime();
        long synced;
        try (PreparedStatement query = db.prepareStatement(
                "select count(*) from public.users where created_at >= ? and created_at < ?")) {
            query.setTimestamp(1, from);
            query.setTimestamp(2, to);
            while (true) {
                try (ResultSet rs = query.executeQuery()) {
                    rs.next();
                    synced = rs.getLong(1);
                }
                if (synced >= expected || System.nanoTime() > deadline) {
                    break;
                }
                if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(5)) {
                    progress.printf("bench: %s: %,d of %,d users synced%s%n", name, synced, expected, more.get());
                    lastReport = System.nanoTime();
                }
                TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
            }
        }
        progress.printf("bench: %s: %,d of %,d users synced%n", name, synced, expected);
        return synced;
    }

    /** The database's clock, which stamps sign-ups and rows. */
    Timestamp now() throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery("select clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    long count(String sql) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long micros(Timestamp timestamp) {
        return timestamp.getTime() / 1000 * 1_000_000 + timestamp.getNanos() / 1000;
    }

    @Override
    public void close() throws SQLException {
        try (pool) {
            db.close();
        }
    }
}
