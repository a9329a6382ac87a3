package io.usersync.sink.deadletter;

/** The values of the reason header on the sink's dead letters. */
public final class DeadLetterReasons {

    /** The record on the profiles topic is not a profile the sink can read. */
    public static final String NOT_A_PROFILE = "not-a-profile";
    /** PostgreSQL refused the row for good (a constraint, bad data): it is isolated from its batch. */
    public static final String REJECTED_BY_DATABASE = "rejected-by-database";

    private DeadLetterReasons() {
    }
}
