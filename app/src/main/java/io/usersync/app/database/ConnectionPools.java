package io.usersync.app.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.sink.SinkConnectionPool;

/**
 * Every ordinary database connection of the app and of capture's own queries comes from a pool made here:
 * one for a running process, a small one for a command that closes with it. Debezium's replication
 * connection and the sink's pool ({@link SinkConnectionPool}) are their own.
 */
public final class ConnectionPools {

    /** {@code application_name} of the running process's connections. */
    public static final String RUN = "usersync";

    private ConnectionPools() {
    }

    /**
     * Opens a pool even while the database is down; each borrow then fails on its own, after at most
     * ten seconds, with the driver's error as its cause.
     *
     * @param applicationName what {@code pg_stat_activity} shows; never the sink's, whose writes migration
     *                        V6's username triggers leave unannounced
     */
    public static HikariDataSource open(DatabaseSettings database, String applicationName, int maximumSize) {
        return new HikariDataSource(config(database, applicationName, maximumSize));
    }

    /** A small pool for a command such as reconcile or redrive, closed when the command ends. */
    public static HikariDataSource forCommand(DatabaseSettings database, String applicationName) {
        return open(database, applicationName, 2);
    }

    static HikariConfig config(DatabaseSettings database, String applicationName, int maximumSize) {
        if (applicationName.equals(SinkConnectionPool.APPLICATION_NAME)) {
            throw new IllegalArgumentException(applicationName + " is the sink's application_name: usernames"
                    + " written under it would not be announced to the stream processor");
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(database.jdbcUrl());
        hikari.setUsername(database.user());
        hikari.setPassword(database.password());
        hikari.setPoolName(applicationName);
        hikari.setMaximumPoolSize(maximumSize);
        // Supabase counts connections: hold none while nothing asks for one.
        hikari.setMinimumIdle(0);
        hikari.setConnectionTimeout(10_000);
        hikari.setInitializationFailTimeout(-1);
        hikari.addDataSourceProperty("ApplicationName", applicationName);
        // Keeps the server's Detail (which can quote row values) out of exception messages and so out of logs.
        hikari.addDataSourceProperty("logServerErrorDetail", "false");
        return hikari;
    }
}
