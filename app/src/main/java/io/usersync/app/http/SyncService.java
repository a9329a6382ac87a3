package io.usersync.app.http;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** What /sync does: ask for a resync, and optionally wait for the user's row. */
public interface SyncService {

    /** Whether the user exists in auth.users. */
    boolean exists(UUID userId) throws SQLException;

    /** Starts a resync of one user; returns a reference for it. */
    String resyncUser(UUID userId) throws SQLException;

    /** Starts a resync of every user; returns a reference for it. */
    String resyncAll() throws SQLException;

    /** The user's public.users row as JSON once it has been written after {@code since}, within {@code wait}. */
    Optional<String> awaitRow(UUID userId, Instant since, Duration wait) throws SQLException, InterruptedException;
}
