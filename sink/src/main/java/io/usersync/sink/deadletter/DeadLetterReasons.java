package io.usersync.sink.deadletter;

import java.sql.SQLException;

import io.usersync.sink.batch.UnreadableRecordException;
import io.usersync.sink.write.Failure;

/** The values of the reason header on the sink's dead letters. */
public final class DeadLetterReasons {

    /** The record on the profiles topic is not a profile the sink can read. */
    public static final String NOT_A_PROFILE = "not-a-profile";
    /** The record's key, the user id, is not a UUID: the sink cannot tell which row it is for. */
    public static final String KEY_NOT_A_UUID = "key-not-a-uuid";
    /** A tombstone without the source LSN of its delete: applied, it could remove a newer row. */
    public static final String TOMBSTONE_WITHOUT_LSN = "tombstone-without-lsn";
    /** PostgreSQL refused the row for good (a constraint, bad data): it is isolated from its batch. */
    public static final String REJECTED_BY_DATABASE = "rejected-by-database";
    /** PostgreSQL failed the row, alone, with a SQL state the sink does not classify: isolated as well. */
    public static final String UNCLASSIFIED_DATABASE_ERROR = "unclassified-database-error";

    private DeadLetterReasons() {
    }

    /** Why the sink could not read a record of the profiles topic. */
    public static String unreadable(Exception error) {
        if (error instanceof UnreadableRecordException unreadable) {
            return switch (unreadable.kind()) {
                case KEY_NOT_A_UUID -> KEY_NOT_A_UUID;
                case TOMBSTONE_WITHOUT_LSN -> TOMBSTONE_WITHOUT_LSN;
                case NOT_A_PROFILE -> NOT_A_PROFILE;
            };
        }
        return NOT_A_PROFILE;
    }

    /** Why the database did not take a row it failed alone. */
    public static String rejected(Throwable error) {
        return error instanceof SQLException sql && Failure.of(sql) == Failure.UNCLASSIFIED
                ? UNCLASSIFIED_DATABASE_ERROR : REJECTED_BY_DATABASE;
    }
}
