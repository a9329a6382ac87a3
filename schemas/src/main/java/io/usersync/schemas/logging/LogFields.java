package io.usersync.schemas.logging;

/**
 * Names of the key-value pairs a log line carries about the record it concerns (slf4j's
 * {@code addKeyValue}); with {@code USERSYNC_LOG_FORMAT=json} each is a field of the line. Ids and positions
 * only: never an email, a name or a token.
 */
public final class LogFields {

    /** The stage that logs, as the dead-letter headers name it ({@code capture}, {@code stream-processor}, {@code sink}). */
    public static final String STAGE = "stage";
    public static final String TOPIC = "topic";
    public static final String PARTITION = "partition";
    public static final String OFFSET = "offset";
    /** The user's id in {@code auth.users}, a UUID. */
    public static final String USER_ID = "user_id";

    private LogFields() {
    }
}
