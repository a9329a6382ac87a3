package io.usersync.schemas.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import io.usersync.embedded.EmbeddedPostgresServer;
import io.usersync.schemas.testing.TestDatabase;

/**
 * Migration V7's rule, against the real trigger: any sequence of the pipeline's writes, the app's edits and an
 * operator emptying the table leaves each profile field as the model says. A field follows the pipeline until
 * anyone else changes it; from then on it keeps the app's last value, through every later write of the pipeline
 * and through the row being deleted and written again.
 */
class AppOwnedFieldsPropertiesIT {

    private static final List<String> FIELDS = List.of("username", "full_name", "avatar_url");
    private static final AtomicInteger TRIES = new AtomicInteger();

    private static EmbeddedPostgresServer postgres;
    private static TestDatabase database;

    /** One step of a history: who writes which values. */
    sealed interface Step permits PipelineWrite, AppEdit, OperatorEmptiesTable {
    }

    /** The sink's upsert of a profile: every profile field, at a newer LSN. */
    record PipelineWrite(int variant) implements Step {
    }

    /** A user or the app's back-end changes one field of their row (a value it may already have). */
    record AppEdit(String field, int variant) implements Step {
    }

    /** Someone deletes the row outside the pipeline, as a truncate before a replay does. */
    record OperatorEmptiesTable() implements Step {
    }

    @BeforeContainer
    static void start() {
        postgres = EmbeddedPostgresServer.startTemporary();
        database = TestDatabase.migrated(postgres);
    }

    @AfterContainer
    static void stop() {
        postgres.close();
    }

    @Property(tries = 60)
    void shouldKeepEveryFieldAnyoneButThePipelineChanged(@ForAll("histories") List<Step> history) throws SQLException {
        UUID id = UUID.randomUUID();
        String suffix = Integer.toString(TRIES.incrementAndGet());
        Map<String, String> row = null;
        Map<String, String> owned = new HashMap<>();
        long lsn = 0;
        try (Connection pipeline = pipelineConnection(); Connection app = database.connect()) {
            for (Step step : history) {
                if (step instanceof PipelineWrite write) {
                    Map<String, String> written = values(suffix, "p" + write.variant());
                    upsert(pipeline, id, written, ++lsn);
                    row = new HashMap<>(written);
                    row.putAll(owned);
                } else if (step instanceof AppEdit edit && row != null) {
                    String value = values(suffix, "a" + edit.variant()).get(edit.field());
                    update(app, id, edit.field(), value);
                    if (!value.equals(row.get(edit.field()))) {
                        owned.put(edit.field(), value);
                        row.put(edit.field(), value);
                    }
                } else if (step instanceof OperatorEmptiesTable) {
                    delete(app, id);
                    row = null;
                }
                assertThat(read(app, id)).as("after %s of %s", step, history).isEqualTo(row);
            }
        }
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Step> pipelineWrite = Arbitraries.integers().between(1, 3).map(PipelineWrite::new);
        Arbitrary<Step> appEdit = Combinators.combine(Arbitraries.of(FIELDS), Arbitraries.integers().between(1, 2)).as(AppEdit::new);
        Arbitrary<Step> empties = Arbitraries.just(new OperatorEmptiesTable());
        return Arbitraries.frequencyOf(
                        Tuple.of(4, pipelineWrite), Tuple.of(4, appEdit), Tuple.of(1, empties))
                .list().ofMinSize(1).ofMaxSize(10);
    }

    /** Values that meet public.users' rules, unique to the try, so histories never collide on a username. */
    private static Map<String, String> values(String suffix, String variant) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("username", "user_" + suffix + "_" + variant);
        values.put("full_name", "Name " + variant);
        values.put("avatar_url", "https://example.com/" + variant + ".png");
        return values;
    }

    private static Connection pipelineConnection() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", database.user());
        properties.setProperty("password", database.password());
        properties.setProperty("ApplicationName", "usersync-sink");
        return DriverManager.getConnection(database.jdbcUrl(), properties);
    }

    private static void upsert(Connection pipeline, UUID id, Map<String, String> values, long lsn) throws SQLException {
        try (PreparedStatement statement = pipeline.prepareStatement("insert into public.users as u (id, username, full_name,"
                + " avatar_url, source_lsn) values (?, ?, ?, ?, ?) on conflict (id) do update set username = excluded.username,"
                + " full_name = excluded.full_name, avatar_url = excluded.avatar_url, source_lsn = excluded.source_lsn")) {
            statement.setObject(1, id);
            statement.setString(2, values.get("username"));
            statement.setString(3, values.get("full_name"));
            statement.setString(4, values.get("avatar_url"));
            statement.setLong(5, lsn);
            statement.executeUpdate();
        }
    }

    private static void update(Connection app, UUID id, String field, String value) throws SQLException {
        try (PreparedStatement statement = app.prepareStatement("update public.users set " + field + " = ? where id = ?")) {
            statement.setString(1, value);
            statement.setObject(2, id);
            statement.executeUpdate();
        }
    }

    private static void delete(Connection app, UUID id) throws SQLException {
        try (PreparedStatement statement = app.prepareStatement("delete from public.users where id = ?")) {
            statement.setObject(1, id);
            statement.executeUpdate();
        }
    }

    private static Map<String, String> read(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "select username, full_name, avatar_url from public.users where id = ?")) {
            statement.setObject(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Map<String, String> row = new HashMap<>();
                for (String field : FIELDS) {
                    row.put(field, rs.getString(field));
                }
                return row;
            }
        }
    }
}
