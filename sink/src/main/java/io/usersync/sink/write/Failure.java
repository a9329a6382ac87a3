package io.usersync.sink.write;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** What a database error means for the sink. */
public enum Failure {
    /** The database is down, overloaded or lost a race: retry with backoff, without limit. */
    TRANSIENT,
    /** This record can never be written (constraint violation, bad value): dead-letter it, write the rest. */
    POISON,
    /**
     * A SQL state the sink does not know (a trigger's own error, a limit, a class added to PostgreSQL): handled like
     * {@link #POISON}, so a record it fails alone is dead-lettered and the rest is written, under its own reason.
     */
    UNCLASSIFIED,
    /** A bug or a broken deployment (missing table or privilege, internal error, no SQL state): stop loudly. */
    FATAL;

    private static final Set<String> TRANSIENT_STATES = Set.of(
            "40001", // serialization_failure
            "40P01", // deadlock_detected
            "55P03", // lock_not_available
            "57014", // query_canceled (statement timeout)
            "57P01", // admin_shutdown
            "57P02", // crash_shutdown
            "57P03"); // cannot_connect_now

    /**
     * Classes that say the deployment, not a record, is broken: feature, transaction state, authorization,
     * catalog, schema, syntax or access rule, prerequisite state, operator intervention, system and internal
     * errors, configuration file.
     */
    private static final Set<String> FATAL_CLASSES = Set.of("0A", "0B", "25", "28", "2D", "34", "3D", "3F", "42", "55", "57",
            "58", "F0", "XX");

    public static Failure of(SQLException error) {
        if (error instanceof SQLTransientException || error instanceof SQLRecoverableException) {
            return TRANSIENT;
        }
        String state = error.getSQLState();
        if (state == null) {
            return error.getCause() instanceof IOException ? TRANSIENT : FATAL;
        }
        if (state.startsWith("08") || state.startsWith("53") || TRANSIENT_STATES.contains(state)) {
            return TRANSIENT;
        }
        if (state.startsWith("23") || state.startsWith("22")) {
            return POISON;
        }
        return state.length() >= 2 && FATAL_CLASSES.contains(state.substring(0, 2)) ? FATAL : UNCLASSIFIED;
    }

    /**
     * Whether the error is a unique index or constraint on the username refusing a row: another row holds the name.
     * By the constraint's name, which V1 and an adopted table's own give it ({@code users_username_lower_key},
     * {@code users_username_key}).
     */
    public static boolean isUsernameTaken(SQLException error) {
        ServerErrorMessage server = serverError(error);
        return "23505".equals(error.getSQLState()) && server != null && server.getConstraint() != null
                && server.getConstraint().contains("username");
    }

    /** Whether a record the error fails is isolated from its batch and dead-lettered, and the rest written. */
    public boolean isolatesTheRecord() {
        return this == POISON || this == UNCLASSIFIED;
    }

    /**
     * A short description for health, logs and dead letters: the error class, the SQL state and, from the
     * server's error fields, which constraint, table and column it concerns. Never the message: PostgreSQL
     * puts values in it ({@code invalid input syntax for type uuid: "..."}) and in its detail
     * ({@code Key (username)=(...)}, {@code Failing row contains (...)}).
     */
    public static String describe(SQLException error) {
        StringBuilder description = new StringBuilder(error.getClass().getSimpleName());
        if (error.getSQLState() == null) {
            return description.toString();
        }
        description.append(" (SQL state ").append(error.getSQLState());
        ServerErrorMessage server = serverError(error);
        if (server != null) {
            if (server.getConstraint() != null) {
                description.append(", constraint ").append(server.getConstraint());
            }
            if (server.getTable() != null) {
                description.append(", table ").append(server.getSchema() != null ? server.getSchema() + "." : "").append(server.getTable());
            }
            if (server.getColumn() != null) {
                description.append(", column ").append(server.getColumn());
            }
        }
        return description.append(')').toString();
    }

    /** The server's error fields; a batch carries them on the exception it chains. */
    private static ServerErrorMessage serverError(SQLException error) {
        for (SQLException e = error; e != null; e = e.getNextException()) {
            if (e instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                return psql.getServerErrorMessage();
            }
        }
        return null;
    }
}
