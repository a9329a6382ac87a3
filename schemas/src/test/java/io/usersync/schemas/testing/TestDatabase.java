package io.usersync.schemas.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.database.DatabaseSettings;
import io.usersync.schemas.migration.Migrations;

/**
 * A fresh database on an embedded server, with the dev {@code auth} schema and the pipeline's
 * migrations applied: what the demo and a Supabase project look like.
 */
public final class TestDatabase {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final EmbeddedPostgresServer server;
    private final String name;

    private TestDatabase(EmbeddedPostgresServer server, String name) {
        this.server = server;
        this.name = name;
    }

    /** Creates a new database with every migration applied. */
    public static TestDatabase migrated(EmbeddedPostgresServer server) {
        TestDatabase database = empty(server);
        Migrations migrations = database.migrations();
        migrations.applyDevAuthSchema();
        migrations.applyPipeline();
        return database;
    }

    /** Creates a new database with nothing in it. */
    public static TestDatabase empty(EmbeddedPostgresServer server) {
        String name = "test_" + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet();
        server.createDatabase(name);
        return new TestDatabase(server, name);
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return server.jdbcUrl(name);
    }

    public String user() {
        return EmbeddedPostgresServer.USER;
    }

    public String password() {
        return EmbeddedPostgresServer.PASSWORD;
    }

    /** How the code under test reaches this database. */
    public DatabaseSettings settings() {
        return new DatabaseSettings(jdbcUrl(), user(), password());
    }

    /** Connections to this database as its owner, the way code under test takes them. */
    public DataSource dataSource() {
        return dataSource(settings());
    }

    /** Connections as the given settings say, without a pool. */
    public static DataSource dataSource(DatabaseSettings settings) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(settings.jdbcUrl());
        dataSource.setUser(settings.user());
        dataSource.setPassword(settings.password());
        return dataSource;
    }

    public EmbeddedPostgresServer server() {
        return server;
    }

    public Migrations migrations() {
        return new Migrations(jdbcUrl(), user(), password());
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user(), password());
    }

    /** Runs a statement as PostgREST runs a request with the user's JWT: role authenticated, the user's claims. */
    public void executeAsUser(UUID userId, String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("set role authenticated");
            statement.execute("select set_config('request.jwt.claims', '{\"sub\":\"" + userId + "\",\"role\":\"authenticated\"}', false)");
            statement.execute(sql);
        }
    }

    public void execute(String... statements) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
