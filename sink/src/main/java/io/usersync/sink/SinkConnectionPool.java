package io.usersync.sink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** The sink's connection pool, shared by the running stage and the profiles replay. */
public final class SinkConnectionPool {

    /**
     * The sink's {@code application_name}. Migration V6's triggers announce every username written to
     * public.users by anyone else; the sink's own writes need no announcement, and none is made.
     */
    public static final String APPLICATION_NAME = "usersync-sink";

    private SinkConnectionPool() {
    }

    /** A pool that fails fast while the database is down, with batched statements rewritten. */
    public static HikariDataSource open(SinkConfig config) {
        return new HikariDataSource(config(config));
    }

    static HikariConfig config(SinkConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.database().jdbcUrl());
        hikari.setUsername(config.database().user());
        hikari.setPassword(config.database().password());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setPoolName("usersync-sink");
        // Fail fast while the database is down: the sink's own backoff decides when to try again.
        hikari.setConnectionTimeout(2_000);
        hikari.setInitializationFailTimeout(-1);
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        hikari.addDataSourceProperty("ApplicationName", APPLICATION_NAME);
        // Keeps the server's Detail ("Key (username)=(...)", "Failing row contains (...)") and batch parameters
        // out of exception messages, so no stack trace in a log carries row values.
        hikari.addDataSourceProperty("logServerErrorDetail", "false");
        return hikari;
    }
}
