package io.usersync.app.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import io.usersync.schemas.deadletter.DeadLetterHeaders;

/**
 * A record of the dead-letter topic with its {@link DeadLetterHeaders} decoded. {@link #id()} names it for
 * redrive. Dead letters that Kafka Streams' default handlers wrote before the stream processor had its own carry
 * Streams' headers instead; they are read as the stream processor's, with reason {@link #STREAMS_HANDLER}.
 */
public record DeadLetterRecord(
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
        int attempt,
        Instant failedAt,
        Map<String, String> keptHeaders) {

    /** The reason of a dead letter that Kafka Streams' default handlers wrote. */
    public static final String STREAMS_HANDLER = "streams-handler";

    static final String STREAMS_EXCEPTION = "__streams.errors.exception";
    static final String STREAMS_TOPIC = "__streams.errors.topic";
    static final String STREAMS_PARTITION = "__streams.errors.partition";
    static final String STREAMS_OFFSET = "__streams.errors.offset";

    private static final String UNKNOWN = "unknown";

    /**
     * A dead letter as read; a copy the eraser made ({@link DeadLetterHeaders#COPY_OF}) is read at the partition and
     * offset where it was first written, its id. Not for a {@link #isSegmentMarker segment marker}.
     */
    public static DeadLetterRecord of(ConsumerRecord<String, byte[]> record) {
        if (header(record, DeadLetterHeaders.STAGE) == null && header(record, STREAMS_EXCEPTION) != null) {
            return ofStreamsHandler(record);
        }
        long offset = record.offset();
        String copyOf = header(record, DeadLetterHeaders.COPY_OF);
        if (copyOf != null && copyOf.matches("\\d{1,9}:\\d{1,18}")) {
            offset = Long.parseLong(copyOf.substring(copyOf.indexOf(':') + 1));
        }
        return new DeadLetterRecord(record.topic(), record.partition(), offset, record.key(), record.value(),
                orUnknown(header(record, DeadLetterHeaders.STAGE)), orUnknown(header(record, DeadLetterHeaders.REASON)),
                orUnknown(header(record, DeadLetterHeaders.ERROR_CLASS)), orUnknown(header(record, DeadLetterHeaders.ERROR_MESSAGE)),
                header(record, DeadLetterHeaders.SOURCE_TOPIC), header(record, DeadLetterHeaders.SOURCE_PARTITION),
                header(record, DeadLetterHeaders.SOURCE_OFFSET), DeadLetterHeaders.attempt(header(record, DeadLetterHeaders.ATTEMPT)),
                failedAt(record), kept(record));
    }

    /**
     * Streams' own headers name the exception and the source; its message and stack trace quote the data, so the
     * message read here is the exception's simple name.
     */
    private static DeadLetterRecord ofStreamsHandler(ConsumerRecord<String, byte[]> record) {
        String errorClass = header(record, STREAMS_EXCEPTION);
        return new DeadLetterRecord(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                DeadLetterHeaders.STAGE_PROCESSOR, STREAMS_HANDLER, errorClass, errorClass.substring(errorClass.lastIndexOf('.') + 1),
                header(record, STREAMS_TOPIC), header(record, STREAMS_PARTITION), header(record, STREAMS_OFFSET), 1,
                Instant.ofEpochMilli(record.timestamp()), Map.of());
    }

    /** A record of the eraser's that is no dead letter ({@link DeadLetterHeaders#SEGMENT_MARKER}): readers skip it. */
    public static boolean isSegmentMarker(ConsumerRecord<String, byte[]> record) {
        return record.headers().lastHeader(DeadLetterHeaders.SEGMENT_MARKER) != null;
    }

    /** A copy the eraser made of a dead letter written before: no new failure. */
    public static boolean isCopy(ConsumerRecord<String, byte[]> record) {
        return record.headers().lastHeader(DeadLetterHeaders.COPY_OF) != null;
    }

    /** {@code partition:offset} in the dead-letter topic. */
    public String id() {
        return partition + ":" + offset;
    }

    /** {@code topic-partition@offset} the failed record was read from; {@code unknown} when the headers do not say. */
    public String source() {
        return sourceTopic == null ? UNKNOWN : sourceTopic + "-" + orUnknown(sourcePartition) + "@" + orUnknown(sourceOffset);
    }

    /** The failed record's headers of {@link DeadLetterHeaders#KEPT} that the dead letter carries. */
    private static Map<String, String> kept(ConsumerRecord<String, byte[]> record) {
        Map<String, String> kept = new LinkedHashMap<>();
        for (String name : DeadLetterHeaders.KEPT) {
            String value = header(record, name);
            if (value != null) {
                kept.put(name, value);
            }
        }
        return Map.copyOf(kept);
    }

    private static Instant failedAt(ConsumerRecord<String, byte[]> record) {
        String time = header(record, DeadLetterHeaders.TIMESTAMP);
        try {
            return time == null ? Instant.ofEpochMilli(record.timestamp()) : Instant.parse(time);
        } catch (DateTimeParseException e) {
            return Instant.ofEpochMilli(record.timestamp());
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String orUnknown(String value) {
        return value == null ? UNKNOWN : value;
    }
}
