package io.usersync.processor.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;

import io.usersync.schemas.deadletter.DeadLetterHeaders;

/**
 * Dead letters for what Kafka Streams' own handlers catch: the original key and bytes with exactly the headers
 * of {@link DeadLetterHeaders}, as the topology's dead-letter branch writes them. Kafka's default handlers copy
 * the source record's headers and add their own, the exception's message and stack trace among them, which
 * quote the data; these never do.
 */
final class StreamsDeadLetters {

    private StreamsDeadLetters() {
    }

    /** The counter the stage handed in; one that counts nothing when Streams runs without the stage. */
    static DeadLetterCounter counter(Map<String, ?> configs) {
        return configs.get(DeadLetterCounter.CONFIG) instanceof DeadLetterCounter counter ? counter : reason -> { };
    }

    /** The dead-letter topic Streams is configured with. */
    static String topic(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null || topic.toString().isBlank()) {
            throw new ConfigException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " must name the dead-letter topic");
        }
        return topic.toString();
    }

    /**
     * @param source  where the failed record was read from
     * @param headers the failed record's headers: only its redrive attempt is kept
     */
    static ProducerRecord<byte[], byte[]> record(String topic, String reason, DeadLetterHeaders.Source source, Headers headers,
            byte[] key, byte[] value, Exception error, Instant now) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, value);
        DeadLetterHeaders.of(DeadLetterHeaders.Cause.of(DeadLetterHeaders.STAGE_PROCESSOR, reason, error), source,
                        attempt(headers), now)
                .forEach((name, text) -> record.headers().add(name, text.getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    private static int attempt(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(DeadLetterHeaders.ATTEMPT);
        return DeadLetterHeaders.attempt(header == null ? null : new String(header.value(), StandardCharsets.UTF_8));
    }
}
