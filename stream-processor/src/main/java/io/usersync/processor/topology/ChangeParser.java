package io.usersync.processor.topology;

import java.io.IOException;
import java.util.Set;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import com.fasterxml.jackson.core.exc.StreamReadException;

import io.usersync.processor.normalize.Metadata;
import io.usersync.schemas.cdc.AuthUserChange;
import io.usersync.schemas.cdc.AuthUserRow;
import io.usersync.schemas.deadletter.DeadLetterHeaders;

/**
 * Unwraps the Debezium envelope of an {@code auth.users} change, once, at the edge of the topology.
 * Anything that cannot become a profile is forwarded with dead-letter headers and its original bytes;
 * Debezium's tombstones (which follow every delete) carry nothing and are dropped.
 */
final class ChangeParser implements Processor<String, byte[], String, Parsed<AuthUserChange>> {

    private static final Set<String> OPERATIONS = Set.of(
            AuthUserChange.OP_CREATE, AuthUserChange.OP_UPDATE, AuthUserChange.OP_DELETE, AuthUserChange.OP_READ);

    private final ProcessorMetrics metrics;
    private ProcessorContext<String, Parsed<AuthUserChange>> context;

    ChangeParser(ProcessorMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Parsed<AuthUserChange>> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        metrics.recordIn();
        try {
            AuthUserChange change = parse(record.value());
            context.forward(record.withKey(rowOf(change).id()).withValue(Parsed.ok(change))
                    .withHeaders(DeadLetterBranch.withoutAttempt(record.headers())));
        } catch (DeadLetterException e) {
            DeadLetterBranch.forward(e.deadLetterCause(), context, record, metrics);
        }
    }


    /** Reads the event in one pass, straight into its record: no intermediate tree. */
    static AuthUserChange parse(byte[] bytes) {
        AuthUserChange change;
        try {
            change = JsonSerde.MAPPER.readValue(bytes, AuthUserChange.class);
        } catch (IOException e) {
            StreamReadException syntax = syntaxError(e);
            if (syntax != null) {
                throw new DeadLetterException(DeadLetterBranch.cause(DeadLetterBranch.NOT_JSON, syntax));
            }
            // Valid JSON of another shape: an array, a string, a field of the wrong type.
            throw new DeadLetterException(DeadLetterBranch.cause(DeadLetterBranch.NOT_A_CHANGE_EVENT, e));
        }
        if (change == null || change.op() == null || !OPERATIONS.contains(change.op()) || change.source() == null) {
            throw new DeadLetterException(DeadLetterBranch.cause(DeadLetterBranch.NOT_A_CHANGE_EVENT, "no op of c/u/d/r or no source"));
        }
        if (change.source().position().isEmpty()) {
            throw new DeadLetterException(DeadLetterBranch.cause(DeadLetterBranch.NOT_A_CHANGE_EVENT,
                    "no source.lsn and no source.sequence to order the change by"));
        }
        AuthUserRow row = rowOf(change);
        if (row == null || row.id() == null || row.id().isBlank()) {
            throw new DeadLetterException(DeadLetterBranch.cause(DeadLetterBranch.MISSING_ID, "the changed row has no id"));
        }
        if (!change.isDelete()) {
            checkMetadata("raw_user_meta_data", row.rawUserMetaData());
            checkMetadata("raw_app_meta_data", row.rawAppMetaData());
        }
        return change;
    }

    /**
     * The parser's own error, when the bytes are not JSON: Jackson wraps one met inside a record's fields (truncated
     * JSON, invalid UTF-8 within {@code after}) in a mapping error, which alone would read as valid JSON of another shape.
     */
    private static StreamReadException syntaxError(IOException error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof StreamReadException syntax) {
                return syntax;
            }
        }
        return null;
    }

    private static AuthUserRow rowOf(AuthUserChange change) {
        return change.isDelete() ? change.before() : change.after();
    }

    private static void checkMetadata(String column, String text) {
        if (AuthUserRow.UNAVAILABLE_VALUE.equals(text)) {
            return;
        }
        try {
            Metadata.check(column, text);
        } catch (Metadata.UnreadableMetadataException e) {
            throw new DeadLetterException(DeadLetterBranch.cause(DeadLetterBranch.UNREADABLE_METADATA, e));
        }
    }

    static final class DeadLetterException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient DeadLetterHeaders.Cause deadLetterCause;

        DeadLetterException(DeadLetterHeaders.Cause deadLetterCause) {
            super(deadLetterCause.message(), null, false, false);
            this.deadLetterCause = deadLetterCause;
        }

        DeadLetterHeaders.Cause deadLetterCause() {
            return deadLetterCause;
        }
    }
}
