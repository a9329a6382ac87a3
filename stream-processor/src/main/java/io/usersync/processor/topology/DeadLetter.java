package io.usersync.processor.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import io.usersync.schemas.deadletter.DeadLetterHeaders;

/** Why an input cannot be processed; becomes the headers of its record on the dead-letter topic. */
record DeadLetter(String reason, String errorClass, String message) {

    static final String STAGE = "stream-processor";

    static final String NOT_JSON = "not-json";
    static final String NOT_A_CHANGE_EVENT = "not-a-change-event";
    static final String MISSING_ID = "missing-id";
    static final String UNREADABLE_METADATA = "unreadable-metadata";

    static DeadLetter of(String reason, Throwable error) {
        return new DeadLetter(reason, error.getClass().getName(), error.getMessage());
    }

    static DeadLetter of(String reason, String message) {
        return new DeadLetter(reason, InvalidChangeException.class.getName(), message);
    }

    Headers headers(RecordMetadata source, Instant now) {
        RecordHeaders headers = new RecordHeaders();
        add(headers, DeadLetterHeaders.STAGE, STAGE);
        add(headers, DeadLetterHeaders.REASON, reason);
        add(headers, DeadLetterHeaders.ERROR_CLASS, errorClass);
        add(headers, DeadLetterHeaders.ERROR_MESSAGE, message == null ? "" : message);
        add(headers, DeadLetterHeaders.SOURCE_TOPIC, source.topic());
        add(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(source.partition()));
        add(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(source.offset()));
        add(headers, DeadLetterHeaders.ATTEMPT, "1");
        add(headers, DeadLetterHeaders.TIMESTAMP, now.toString());
        return headers;
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A change event that is well-formed JSON but not what capture publishes. */
    static final class InvalidChangeException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        InvalidChangeException(String message) {
            super(message);
        }
    }
}
