package io.usersync.app.http;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import io.usersync.capture.CaptureConfig;
import io.usersync.capture.resync.ResyncSignal;
import io.usersync.schemas.database.ProfileTable;

/** /sync against the database: a resync signal to capture, then the row as public.users has it. */
public final class DatabaseSyncService implements SyncService {

    private static final Duration POLL = Duration.ofMillis(50);

    private final DataSource database;
    private final ProfileTable table;
    private final ResyncSignal signal;

    public DatabaseSyncService(DataSource database, ProfileTable table) {
        this.database = database;
        this.table = table;
        this.signal = new ResyncSignal(database);
    }

    @Override
    public boolean exists(UUID userId) throws SQLException {
        try (Connection connection = connect();
                PreparedStatement statement = connection.prepareStatement("select 1 from auth.users where id = ?")) {
            statement.setObject(1, userId);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public String resyncUser(UUID userId) throws SQLException {
        return signal.requestUsers(List.of(userId));
    }

    @Override
    public String resyncAll() throws SQLException {
        return signal.requestAll();
    }

    @Override
    public Optional<String> awaitRow(UUID userId, Instant since, Duration wait) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(
                "select row_to_json(u)::text from " + table.qualified() + " u where id = ? and synced_at >= ?")) {
            statement.setObject(1, userId);
            statement.setTimestamp(2, Timestamp.from(since));
            while (true) {
                try (ResultSet rs = statement.executeQuery()) {
                    if (rs.next()) {
                        return Optional.of(rs.getString(1));
                    }
                }
                if (System.nanoTime() > deadline) {
                    return Optional.empty();
                }
                Thread.sleep(POLL.toMillis());
            }
        }
    }

    private Connection connect() throws SQLException {
        return database.getConnection();
    }
}
