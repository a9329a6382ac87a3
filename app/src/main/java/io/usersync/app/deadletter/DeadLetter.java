package io.usersync.app.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import io.usersync.schemas.deadletter.DeadLetterHeaders;

/** A record of the dead-letter topic with its headers decoded. {@link #id()} names it for redrive. */
public record DeadLetter(
        String topic,
        int partition,
        long offset,
        String key,
        byte[] value,
        String stage,
        String reason,
        String errorClass,
        String errorMessage,
        String sourceTopic,
        String sourcePartition,
        String sourceOffset,
        Instant failedAt) {

    public static DeadLetter of(ConsumerRecord<String, byte[]> record) {
        String time = header(record, DeadLetterHeaders.TIMESTAMP);
        Instant failedAt;
        try {
            failedAt = time == null ? Instant.ofEpochMilli(record.timestamp()) : Instant.parse(time);
        } catch (DateTimeParseException e) {
            failedAt = Instant.ofEpochMilli(record.timestamp());
        }
        return new DeadLetter(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                orUnknown(header(record, DeadLetterHeaders.STAGE)), orUnknown(header(record, DeadLetterHeaders.REASON)),
                orUnknown(header(record, DeadLetterHeaders.ERROR_CLASS)), orUnknown(header(record, DeadLetterHeaders.ERROR_MESSAGE)),
                header(record, DeadLetterHeaders.SOURCE_TOPIC), header(record, DeadLetterHeaders.SOURCE_PARTITION),
                header(record, DeadLetterHeaders.SOURCE_OFFSET), failedAt);
    }

    /** {@code partition:offset} in the dead-letter topic. */
    public String id() {
        return partition + ":" + offset;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String orUnknown(String value) {
        return value == null ? "unknown" : value;
    }
}
