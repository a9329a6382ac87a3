package io.usersync.sink.write;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.TopicPartition;
import org.postgresql.PGConnection;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.database.ProfileTable;
import io.usersync.schemas.profile.UserProfile;
import io.usersync.schemas.testing.TestDatabase;
import io.usersync.sink.SinkConfig;
import io.usersync.sink.SinkConnectionPool;
import io.usersync.sink.batch.Batch;
import io.usersync.sink.batch.ProfileWrite;

/**
 * Measures the candidate write paths into public.users on this machine. Every candidate writes the same
 * columns with the same ON CONFLICT clause and LSN guard, 500 rows per transaction, into an emptied
 * table; best of three rounds. The sink's {@link ProfileWriter} is measured too: it adds a savepoint and
 * the offsets row to each transaction. Prints rows per second; asserts nothing.
 *
 * <p>Run: {@code mvn -q -pl sink -am install -DskipTests && mvn -q -pl sink test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.usersync.sink.write.WritePathBenchmark [-Dexec.args=ROWS]}
 */
public final class WritePathBenchmark {

    private static final int BATCH = 500;
    private static final TopicPartition PARTITION = new TopicPartition("profiles", 0);
    private static final String VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?::timestamptz, ?::timestamptz, ?::timestamptz, ?, null, now())";
    private static final String INSERT = "insert into " + ProfileTable.DEFAULT + " as u (" + ProfileSql.COLUMNS + ", deleted_at, synced_at) values ";

    private interface WritePath {
        void write(HikariDataSource dataSource, List<UserProfile> batch) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        List<UserProfile> profiles = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            profiles.add(new UserProfile(UUID.randomUUID().toString(), "user" + i + "@example.com", "user" + i,
                    "User Number " + i, "https://example.com/a/" + i + ".png", "google", List.of("google"), true, false,
                    "2026-11-01T10:00:00Z", "2026-11-01T10:00:00Z", null, 1_000L + i, System.currentTimeMillis(), false));
        }
        Map<String, WritePath> paths = new LinkedHashMap<>();
        paths.put("COPY to staging + INSERT ... SELECT ... ON CONFLICT", WritePathBenchmark::copy);
        paths.put("batched INSERT ... ON CONFLICT, reWriteBatchedInserts=true", WritePathBenchmark::batched);
        paths.put("batched INSERT ... ON CONFLICT, reWriteBatchedInserts=false", WritePathBenchmark::batched);
        paths.put("one multi-row INSERT ... VALUES ... ON CONFLICT", WritePathBenchmark::multiRow);
        paths.put("ProfileWriter as the sink runs it (COPY, savepoint, offsets)", WritePathBenchmark::sinkWriter);
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startTemporary()) {
            TestDatabase database = TestDatabase.migrated(postgres);
            System.out.printf("%,d rows, %d per transaction, best of 3 rounds%n", rows, BATCH);
            for (Map.Entry<String, WritePath> path : paths.entrySet()) {
                try (HikariDataSource dataSource = dataSource(database, !path.getKey().contains("=false"))) {
                    double best = 0;
                    for (int round = 0; round < 3; round++) {
                        database.execute("truncate public.users");
                        long started = System.nanoTime();
                        for (int from = 0; from < rows; from += BATCH) {
                            path.getValue().write(dataSource, profiles.subList(from, Math.min(rows, from + BATCH)));
                        }
                        best = Math.max(best, rows / ((System.nanoTime() - started) / 1e9));
                    }
                    System.out.printf("%-64s %,10.0f rows/s%n", path.getKey(), best);
                }
            }
        }
    }

    private static HikariDataSource dataSource(TestDatabase database, boolean rewrite) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.jdbcUrl());
        config.setUsername(database.user());
        config.setPassword(database.password());
        config.setMaximumPoolSize(1);
        config.addDataSourceProperty("reWriteBatchedInserts", Boolean.toString(rewrite));
        // Written as the sink writes: the profile table's triggers tell its writes from everyone else's by this name.
        config.addDataSourceProperty("ApplicationName", SinkConnectionPool.APPLICATION_NAME);
        return new HikariDataSource(config);
    }

    private static void copy(HikariDataSource dataSource, List<UserProfile> profiles) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute(ProfileSql.on(ProfileTable.DEFAULT, ProfileSql.CREATE_STAGING));
            connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn(ProfileSql.COPY_STAGING, new StringReader(Csv.rows(profiles)));
            statement.executeUpdate(ProfileSql.on(ProfileTable.DEFAULT, ProfileSql.UPSERT_NEWER));
            connection.commit();
        }
    }

    private static void batched(HikariDataSource dataSource, List<UserProfile> profiles) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(INSERT + VALUES + ProfileSql.ON_CONFLICT_NEWER)) {
            connection.setAutoCommit(false);
            for (UserProfile profile : profiles) {
                bind(connection, statement, 1, profile);
                statement.addBatch();
            }
            statement.executeBatch();
            connection.commit();
        }
    }

    private static void multiRow(HikariDataSource dataSource, List<UserProfile> profiles) throws SQLException {
        String sql = INSERT + String.join(",", Collections.nCopies(profiles.size(), VALUES)) + ProfileSql.ON_CONFLICT_NEWER;
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            connection.setAutoCommit(false);
            int parameter = 1;
            for (UserProfile profile : profiles) {
                parameter = bind(connection, statement, parameter, profile);
            }
            statement.executeUpdate();
            connection.commit();
        }
    }

    private static void sinkWriter(HikariDataSource dataSource, List<UserProfile> profiles) throws SQLException {
        List<ProfileWrite> writes = new ArrayList<>(profiles.size());
        long offset = 0;
        for (UserProfile profile : profiles) {
            writes.add(new ProfileWrite(profile.id(), profile, Long.MAX_VALUE, PARTITION, offset++, null));
        }
        new ProfileWriter(dataSource, ProfileTable.DEFAULT, "bench", SinkConfig.DeleteMode.HARD, false)
                .write(new Batch(writes, Map.of(PARTITION, offset)), (write, error) -> { });
    }

    private static int bind(Connection connection, PreparedStatement statement, int first, UserProfile profile)
            throws SQLException {
        int p = first;
        statement.setObject(p++, UUID.fromString(profile.id()));
        statement.setString(p++, profile.email());
        statement.setString(p++, profile.username());
        statement.setString(p++, profile.fullName());
        statement.setString(p++, profile.avatarUrl());
        statement.setString(p++, profile.provider());
        statement.setArray(p++, connection.createArrayOf("text", profile.providers().toArray()));
        statement.setBoolean(p++, profile.emailVerified());
        statement.setBoolean(p++, profile.isAnonymous());
        statement.setString(p++, profile.createdAt());
        statement.setString(p++, profile.updatedAt());
        statement.setString(p++, profile.lastSignInAt());
        statement.setLong(p++, profile.sourceLsn());
        return p;
    }
}
