package io.usersync.schemas.deadletter;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.usersync.schemas.profile.ProfileHeaders;

/**
 * The headers of a record on {@code usersync.dlt}, the one contract every stage writes and {@code dlt} and
 * {@code alerts} read. The value is the original bytes, untouched; these headers say where it came from and
 * why it could not be processed. Every dead letter carries exactly {@link #NAMES}, as UTF-8 text, plus those of
 * {@link #KEPT} the failed record had ({@code schemas/dead-letter-headers.schema.json}).
 */
public final class DeadLetterHeaders {

    /** Which stage gave up on the record: {@link #STAGE_CAPTURE}, {@link #STAGE_PROCESSOR} or {@link #STAGE_SINK}. */
    public static final String STAGE = "usersync.dlt.stage";
    /** A short, stable code for why the record failed, for alerts and redrive filters. */
    public static final String REASON = "usersync.dlt.reason";
    public static final String ERROR_CLASS = "usersync.dlt.error.class";
    public static final String ERROR_MESSAGE = "usersync.dlt.error.message";
    /** The topic the stage read the record from, where a redrive re-publishes it. */
    public static final String SOURCE_TOPIC = "usersync.dlt.source.topic";
    public static final String SOURCE_PARTITION = "usersync.dlt.source.partition";
    public static final String SOURCE_OFFSET = "usersync.dlt.source.offset";
    /**
     * 1 for a record's first failure, one more for each redrive before this one. A redrive sets it, one more than
     * the dead letter's, on the record it re-publishes; the stage that fails it again copies it onto its dead letter.
     */
    public static final String ATTEMPT = "usersync.dlt.attempt";
    public static final String TIMESTAMP = "usersync.dlt.timestamp";

    /** Every header of a dead letter, in the order the stages write them. */
    public static final List<String> NAMES = List.of(STAGE, REASON, ERROR_CLASS, ERROR_MESSAGE, SOURCE_TOPIC,
            SOURCE_PARTITION, SOURCE_OFFSET, ATTEMPT, TIMESTAMP);

    /**
     * Capture, for a change it could not publish whole: its source is the Debezium destination (not a topic any
     * stage consumes, so {@code dlt redrive} refuses it), partition -1 and the change's LSN as offset.
     */
    public static final String STAGE_CAPTURE = "capture";

    /**
     * Headers of the failed record that a stage needs to process it again: copied onto its dead letter when the
     * record had them, and re-published with it by a redrive. A tombstone's source LSN is its only position: without
     * it, a redriven delete is refused ({@code tombstone-without-lsn}). None holds personal data.
     */
    public static final List<String> KEPT = List.of(ProfileHeaders.SOURCE_LSN);
    public static final String STAGE_PROCESSOR = "stream-processor";
    public static final String STAGE_SINK = "sink";

    /**
     * On a copy of a dead letter, {@code partition:offset} where the dead letter was first written, which stays its
     * id. The dead-letter eraser deletes a partition's dead letters of deleted users by copying the others past them
     * and deleting the records before the copies; a dead letter copied again keeps the header it has.
     */
    public static final String COPY_OF = "usersync.dlt.copy.of";

    /**
     * The one header of a record that is no dead letter (no key, no value), which every reader skips: the eraser
     * appends one to make the broker close the segment that holds what it is deleting (a segment rolls only at an
     * append).
     */
    public static final String SEGMENT_MARKER = "usersync.dlt.segment.marker";

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
        headers.put(SOURCE_TOPIC, source.topic() == null ? "" : source.topic());
        headers.put(SOURCE_PARTITION, Integer.toString(source.partition()));
        headers.put(SOURCE_OFFSET, Long.toString(source.offset()));
        headers.put(ATTEMPT, Integer.toString(Math.max(1, attempt)));
        headers.put(TIMESTAMP, time.toString());
        return headers;
    }

    /**
     * The attempt that the {@link #ATTEMPT} header of a record a stage read stands for: 1 when it has none (not
     * redriven) or one that is not a positive number.
     */
    public static int attempt(String header) {
        if (header == null) {
            return 1;
        }
        try {
            return Math.max(1, Integer.parseInt(header.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
