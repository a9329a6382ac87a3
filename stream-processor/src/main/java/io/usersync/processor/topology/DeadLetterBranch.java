package io.usersync.processor.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.processor.normalize.Metadata;
import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.deadletter.ErrorDescription;
import io.usersync.schemas.logging.LogFields;

/**
 * Inputs the parsers cannot read go to the dead-letter branch of the topology with the original bytes and
 * the headers of {@link DeadLetterHeaders}; these are the processor's reasons for it.
 */
final class DeadLetterBranch {

    static final String NOT_JSON = "not-json";
    static final String NOT_A_CHANGE_EVENT = "not-a-change-event";
    static final String MISSING_ID = "missing-id";
    static final String UNREADABLE_METADATA = "unreadable-metadata";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterBranch.class);

    private DeadLetterBranch() {
    }

    /**
     * Parse errors quote the input they choke on; only {@link Metadata}'s own messages (column name and
     * JSON type) are kept, anything else is described by {@link ErrorDescription}.
     */
    static DeadLetterHeaders.Cause cause(String reason, Throwable error) {
        String message = error instanceof Metadata.UnreadableMetadataException ? error.getMessage() : ErrorDescription.of(error);
        return new DeadLetterHeaders.Cause(DeadLetterHeaders.STAGE_PROCESSOR, reason, error.getClass().getName(), message);
    }

    static DeadLetterHeaders.Cause cause(String reason, String message) {
        return new DeadLetterHeaders.Cause(DeadLetterHeaders.STAGE_PROCESSOR, reason, InvalidChangeException.class.getName(), message);
    }

    /** Forwards the record's original bytes, with the dead-letter headers only, to the dead-letter branch. */
    static <T> void forward(DeadLetterHeaders.Cause cause, ProcessorContext<String, Parsed<T>> context,
            Record<String, byte[]> record, ProcessorMetrics metrics) {
        metrics.deadLetter(cause.reason());
        RecordMetadata source = context.recordMetadata().orElseThrow();
        log.atWarn().addKeyValue(LogFields.STAGE, DeadLetterHeaders.STAGE_PROCESSOR).addKeyValue(LogFields.TOPIC, source.topic())
                .addKeyValue(LogFields.PARTITION, source.partition()).addKeyValue(LogFields.OFFSET, source.offset())
                .log("Record {}-{}@{} sent to the dead-letter topic: {}", source.topic(), source.partition(), source.offset(),
                        cause.reason());
        context.forward(record.withValue(Parsed.<T>deadLetter(record.value()))
                .withHeaders(headers(cause, source, attempt(record.headers()), Instant.ofEpochMilli(context.currentSystemTimeMs()))));
    }

    static Headers headers(DeadLetterHeaders.Cause cause, RecordMetadata source, int attempt, Instant now) {
        RecordHeaders headers = new RecordHeaders();
        DeadLetterHeaders.of(cause, new DeadLetterHeaders.Source(source.topic(), source.partition(), source.offset()), attempt, now)
                .forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    /** The redrive attempt the input is on (its {@link DeadLetterHeaders#ATTEMPT} header; 1 when it has none). */
    static int attempt(Headers headers) {
        Header header = headers.lastHeader(DeadLetterHeaders.ATTEMPT);
        return DeadLetterHeaders.attempt(header == null ? null : new String(header.value(), StandardCharsets.UTF_8));
    }

    /**
     * The headers of a redriven input that has been read: without the attempt, which says how often this input
     * failed and must not travel on to the profiles the sink reads.
     */
    static Headers withoutAttempt(Headers headers) {
        if (headers.lastHeader(DeadLetterHeaders.ATTEMPT) == null) {
            return headers;
        }
        RecordHeaders copy = new RecordHeaders(headers.toArray());
        copy.remove(DeadLetterHeaders.ATTEMPT);
        return copy;
    }

    /** A change event that is well-formed JSON but not what capture publishes. */
    static final class InvalidChangeException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        InvalidChangeException(String message) {
            super(message);
        }
    }
}
