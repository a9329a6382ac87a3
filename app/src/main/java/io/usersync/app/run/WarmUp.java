package io.usersync.app.run;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Brings a freshly started pipeline to the point where a measurement of it means something. */
public final class WarmUp {

    private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(3);

    private WarmUp() {
    }

    /** Waits up to a minute for every stage to report UP. */
    public static void awaitHealthy(Application application) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!application.pipeline().health().stream().allMatch(StageHealth::up) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /**
     * Sends one user through the whole pipeline and deletes it again, so that measured sign-ups meet a
     * pipeline that is running, not one still opening its stores and transactions; returns how long it took.
     */
    public static Duration sendOneUserThrough(Connection connection) throws SQLException, InterruptedException {
        long started = System.nanoTime();
        UUID id = UUID.randomUUID();
        try (PreparedStatement insert = connection.prepareStatement("insert into auth.users (id, aud, role, email,"
                + " raw_app_meta_data, raw_user_meta_data, created_at, updated_at)"
                + " values (?, 'authenticated', 'authenticated', 'warm-up@usersync.invalid', '{}', '{}', now(), now())");
                PreparedStatement delete = connection.prepareStatement("delete from auth.users where id = ?")) {
            insert.setObject(1, id);
            insert.executeUpdate();
            awaitRow(connection, id, true);
            delete.setObject(1, id);
            delete.executeUpdate();
            awaitRow(connection, id, false);
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static void awaitRow(Connection connection, UUID id, boolean present) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
        try (PreparedStatement query = connection.prepareStatement("select 1 from public.users where id = ?")) {
            query.setObject(1, id);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = query.executeQuery()) {
                    if (rs.next() == present) {
                        return;
                    }
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        throw new IllegalStateException("the pipeline did not sync the warm-up user within " + SYNC_TIMEOUT);
    }
}
