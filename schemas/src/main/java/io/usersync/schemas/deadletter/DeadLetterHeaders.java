package io.usersync.schemas.deadletter;

/**
 * Header names of a record on {@code usersync.dlt}. The value is the original bytes, untouched;
 * these headers say where it came from and why it could not be processed.
 */
public final class DeadLetterHeaders {

    public static final String STAGE = "usersync.dlt.stage";
    /** A short, stable code for why the record failed, for alerts and redrive filters. */
    public static final String REASON = "usersync.dlt.reason";
    public static final String ERROR_CLASS = "usersync.dlt.error.class";
    public static final String ERROR_MESSAGE = "usersync.dlt.error.message";
    public static final String SOURCE_TOPIC = "usersync.dlt.source.topic";
    public static final String SOURCE_PARTITION = "usersync.dlt.source.partition";
    public static final String SOURCE_OFFSET = "usersync.dlt.source.offset";
    public static final String ATTEMPT = "usersync.dlt.attempt";
    public static final String TIMESTAMP = "usersync.dlt.timestamp";

    private DeadLetterHeaders() {
    }
}
