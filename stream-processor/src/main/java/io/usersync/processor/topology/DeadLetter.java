package io.usersync.processor.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

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

/** Why an input cannot be processed; becomes the headers of its record on the dead-letter topic. */
record DeadLetter(String reason, String errorClass, String message) {

    static final String STAGE = "stream-processor";

    static final String NOT_JSON = "not-json";
    static final String NOT_A_CHANGE_EVENT = "not-a-change-event";
    static final String MISSING_ID = "missing-id";
    static final String UNREADABLE_METADATA = "unreadable-metadata";

    private static final Logger log = LoggerFactory.getLogger(DeadLetter.class);

    /**
     * Parse errors quote the input they choke on; only {@link Metadata}'s own messages (column name and
     * JSON type) are kept, anything else is described by {@link ErrorDescription}.
     */
    static DeadLetter of(String reason, Throwable error) {
        String message = error instanceof Metadata.UnreadableMetadataException ? error.getMessage() : ErrorDescription.of(error);
        return new DeadLetter(reason, error.getClass().getName(), message);
    }

    static DeadLetter of(String reason, String message) {
        return new DeadLetter(reason, InvalidChangeException.class.getName(), message);
    }

    /** Forwards the record's original bytes, with this dead letter's headers, to the dead-letter branch. */
    <T> void forward(ProcessorContext<String, Parsed<T>> context, Record<String, byte[]> record, ProcessorMetrics metrics) {
        metrics.deadLetter(reason);
        RecordMetadata source = context.recordMetadata().orElseThrow();
        log.warn("Record {}-{}@{} sent to the dead-letter topic: {}", source.topic(), source.partition(), source.offset(), reason);
        context.forward(record.withValue(Parsed.<T>deadLetter(record.value()))
                .withHeaders(headers(source, Instant.ofEpochMilli(context.currentSystemTimeMs()))));
    }

    Headers headers(RecordMetadata source, Instant now) {
        RecordHeaders headers = new RecordHeaders();
        DeadLetterHeaders.of(new DeadLetterHeaders.Cause(STAGE, reason, errorClass, message),
                        new DeadLetterHeaders.Source(source.topic(), source.partition(), source.offset()), 1, now)
                .forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    /** A change event that is well-formed JSON but not what capture publishes. */
    static final class InvalidChangeException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        InvalidChangeException(String message) {
            super(message);
        }
    }
}
