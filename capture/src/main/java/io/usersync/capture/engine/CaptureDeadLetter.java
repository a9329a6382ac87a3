package io.usersync.capture.engine;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;

import io.usersync.schemas.deadletter.DeadLetterHeaders;

/**
 * The dead letter of a change capture could not publish whole. Its value is what capture published instead (the
 * original does not fit in Kafka, and is still in {@code auth.users}), null when nothing fit; its headers name
 * the emptied columns and their sizes, never a value.
 */
final class CaptureDeadLetter {

    /** A change over the producer's {@code max.request.size}. */
    static final String RECORD_TOO_LARGE = "record-too-large";

    private CaptureDeadLetter() {
    }

    /**
     * @param destination the Debezium destination of the change: its source, with partition -1 and the LSN as offset
     * @param published   what capture published in its place, null when nothing
     * @param emptied     the columns emptied, with their size in bytes
     */
    static ProducerRecord<String, byte[]> recordTooLarge(String topic, String key, String destination, long lsn,
            int bytes, int limit, String published, Map<String, Integer> emptied, Instant now) {
        String columns = emptied.isEmpty() ? "no column could be emptied"
                : emptied.entrySet().stream().map(column -> column.getKey() + " (" + column.getValue() + " bytes)")
                        .collect(Collectors.joining(", ", "published without ", ""));
        String message = "change of " + bytes + " bytes over max.request.size " + limit + "; " + columns;
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key,
                published == null ? null : published.getBytes(StandardCharsets.UTF_8));
        DeadLetterHeaders.of(new DeadLetterHeaders.Cause(DeadLetterHeaders.STAGE_CAPTURE, RECORD_TOO_LARGE,
                        RecordTooLargeException.class.getName(), message),
                        new DeadLetterHeaders.Source(destination, -1, lsn), 1, now)
                .forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        return record;
    }
}
