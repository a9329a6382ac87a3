package io.usersync.app.adopt;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

import io.usersync.schemas.migration.Migrations;

/**
 * Takes over a {@code public.users} the app made (most Supabase apps have one, filled by a {@code handle_new_user}
 * trigger) instead of failing on migration V1's {@code create table}. The table's changes ({@link AdoptionPlan})
 * run in one transaction and then {@link Migrations#adoptPipeline()} records V1 and V5 and runs the rest. A
 * {@code migrate} cut short between the two goes on adopting when run again: the plan of a table already changed
 * holds only what is left, and the marker on schema {@code usersync} tells that table from one V1 made.
 */
public final class TableAdoption {

    /** The comment on schema {@code usersync} of a database whose {@code public.users} was adopted. */
    static final String MARKER = "usersync's own tables. public.users was adopted by usersync migrate:"
            + " migrations V1 and V5 are recorded as applied without having run.";

    /** An app's transaction holding the table makes {@code migrate} stop, not wait and block the app's queries behind it. */
    private static final String LOCK_TIMEOUT = "10s";
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final DataSource database;

    public TableAdoption(DataSource database) {
        this.database = database;
    }

    /**
     * Whether {@code migrate} adopts {@code public.users}: the table exists and usersync's migrations did not make it,
     * or an adoption was cut short before V5 was recorded.
     */
    public boolean required(Migrations migrations) throws SQLException {
        try (Connection connection = database.getConnection()) {
            if (!TableShape.tableExists(connection)) {
                return false;
            }
            if (!migrations.pipelineInstalled()) {
                return true;
            }
            return TableShape.markedAdopted(connection) && !migrations.pendingAdoption().recorded().isEmpty();
        }
    }

    /** The plan, from a read-only transaction: nothing changes. */
    public AdoptionPlan preview() throws SQLException {
        try (Connection connection = database.getConnection()) {
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            try {
                return AdoptionPlan.of(TableShape.read(connection));
            } finally {
                connection.rollback();
            }
        }
    }

    /**
     * Inspects the table under an exclusive lock and runs the plan, all in one transaction.
     *
     * @throws AdoptionRefusedException when the table cannot be adopted, or the privileges it ends with would still let
     *                                  anon or authenticated reach the new columns; nothing changed then
     */
    public AdoptionPlan apply() throws SQLException {
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("set local lock_timeout = '" + LOCK_TIMEOUT + "'");
                statement.execute("lock table public.users in access exclusive mode");
                AdoptionPlan plan = AdoptionPlan.of(TableShape.read(connection));
                for (AdoptionStep step : plan.steps()) {
                    statement.execute(step.sql());
                }
                List<String> exposures = AdoptionPlan.exposures(TableShape.read(connection));
                if (!exposures.isEmpty()) {
                    throw new AdoptionRefusedException(exposures);
                }
                connection.commit();
                return plan;
            } catch (SQLException e) {
                connection.rollback();
                if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                    throw new AdoptionRefusedException(List.of("another transaction held public.users for more than "
                            + LOCK_TIMEOUT + ". Fix: run migrate again when the app's long transactions have ended"));
                }
                throw e;
            } catch (RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }
}
