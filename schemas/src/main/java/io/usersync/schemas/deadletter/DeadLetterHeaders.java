package io.usersync.schemas.deadletter;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /** Where a dead letter was read from. */
    public record Source(String topic, int partition, long offset) {
    }

    /**
     * Why a record became a dead letter. The message names what failed (SQL state, constraint, table,
     * column, JSON path), never a value: dead letters are read by operators and alerting, not only the owner.
     */
    public record Cause(String stage, String reason, String errorClass, String message) {

        /** The error's type and {@link ErrorDescription}; its own message, which may quote the data, is dropped. */
        public static Cause of(String stage, String reason, Throwable error) {
            return new Cause(stage, reason, error.getClass().getName(), ErrorDescription.of(error));
        }
    }

    /** Every header of a dead letter, in a fixed order, as text. */
    public static Map<String, String> of(Cause cause, Source source, int attempt, Instant time) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(STAGE, cause.stage());
        headers.put(REASON, cause.reason());
        headers.put(ERROR_CLASS, cause.errorClass());
        headers.put(ERROR_MESSAGE, cause.message() == null ? "" : cause.message());
        headers.put(SOURCE_TOPIC, source.topic());
        headers.put(SOURCE_PARTITION, Integer.toString(source.partition()));
        headers.put(SOURCE_OFFSET, Long.toString(source.offset()));
        headers.put(ATTEMPT, Integer.toString(attempt));
        headers.put(TIMESTAMP, time.toString());
        return headers;
    }
}
