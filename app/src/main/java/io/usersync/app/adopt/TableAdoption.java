package io.usersync.app.adopt;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

import io.usersync.schemas.database.ProfileTable;
import io.usersync.schemas.migration.Migrations;

/**
 * Takes over a profile table the app made instead of failing on migration V1's {@code create table}: most Supabase
 * apps have one, filled by a {@code handle_new_user} trigger, named {@code public.users} or, as in Supabase's guide,
 * {@code public.profiles} ({@code USERSYNC_TABLE}). The table's changes ({@link AdoptionPlan}) run in one transaction
 * and then {@link Migrations#adoptPipeline()} records V1 and V5 (and V6 on a table of another name) and runs the rest.
 * A {@code migrate} cut short between the two goes on adopting when run again: the plan of a table already changed
 * holds only what is left, and the marker on schema {@code usersync} tells that table from one V1 made.
 */
public final class TableAdoption {

    /** An app's transaction holding the table makes {@code migrate} stop, not wait and block the app's queries behind it. */
    private static final String LOCK_TIMEOUT = "10s";
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final DataSource database;
    private final ProfileTable table;

    public TableAdoption(DataSource database, ProfileTable table) {
        this.database = database;
        this.table = table;
    }

    /**
     * The comment on schema {@code usersync} of a database whose profile table was adopted. For {@code public.users}
     * the text of the first release, so that a database adopted then still reads as adopted.
     */
    static String marker(ProfileTable table) {
        return table.isDefault()
                ? "usersync's own tables. public.users was adopted by usersync migrate:"
                        + " migrations V1 and V5 are recorded as applied without having run."
                : "usersync's own tables. " + table + " was adopted by usersync migrate:"
                        + " migrations V1, V5 and V6 are recorded as applied without having run.";
    }

    /** Whether the table exists. */
    public boolean tableExists() throws SQLException {
        try (Connection connection = database.getConnection()) {
            return TableShape.tableExists(connection, table);
        }
    }

    /**
     * Whether {@code migrate} adopts the table: it exists and usersync's migrations did not make it, or an adoption
     * was cut short before the migrations it records were recorded.
     */
    public boolean required(Migrations migrations) throws SQLException {
        try (Connection connection = database.getConnection()) {
            if (!TableShape.tableExists(connection, table)) {
                return false;
            }
            if (!migrations.pipelineInstalled()) {
                return true;
            }
            return TableShape.markedAdopted(connection, table) && !migrations.pendingAdoption().recorded().isEmpty();
        }
    }

    /** The plan, from a read-only transaction: nothing changes. */
    public AdoptionPlan preview() throws SQLException {
        try (Connection connection = database.getConnection()) {
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            try {
                return AdoptionPlan.of(TableShape.read(connection, table));
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
                // A plain lower-case identifier (ProfileTable): it goes in unquoted.
                statement.execute("lock table " + table.qualified() + " in access exclusive mode");
                AdoptionPlan plan = AdoptionPlan.of(TableShape.read(connection, table));
                for (AdoptionStep step : plan.steps()) {
                    statement.execute(step.sql());
                }
                List<String> exposures = AdoptionPrivileges.exposures(TableShape.read(connection, table));
                if (!exposures.isEmpty()) {
                    throw new AdoptionRefusedException(table, exposures);
                }
                connection.commit();
                return plan;
            } catch (SQLException e) {
                connection.rollback();
                if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                    throw new AdoptionRefusedException(table, List.of("another transaction held " + table + " for more than "
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
