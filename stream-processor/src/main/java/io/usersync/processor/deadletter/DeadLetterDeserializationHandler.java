package io.usersync.processor.deadletter;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.deadletter.ErrorDescription;
import io.usersync.schemas.logging.LogFields;

/**
 * A record whose key or value the topology's serdes cannot read goes to the dead-letter topic with its bytes and
 * our headers, and processing goes on (Kafka Streams' {@code deserialization.exception.handler}).
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    /** The reason on these dead letters. */
    public static final String REASON = "deserialization-failed";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private final Clock clock = Clock.systemUTC();
    private String topic;
    private DeadLetterCounter counter;

    @Override
    public void configure(Map<String, ?> configs) {
        topic = StreamsDeadLetters.topic(configs);
        counter = StreamsDeadLetters.counter(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        log.atWarn().addKeyValue(LogFields.STAGE, DeadLetterHeaders.STAGE_PROCESSOR).addKeyValue(LogFields.TOPIC, record.topic())
                .addKeyValue(LogFields.PARTITION, record.partition()).addKeyValue(LogFields.OFFSET, record.offset())
                .log("Record {}-{}@{} cannot be read by task {}: {}; sent to the dead-letter topic", record.topic(),
                record.partition(), record.offset(), context.taskId(), ErrorDescription.of(exception));
        DeadLetterHeaders.Source source = new DeadLetterHeaders.Source(record.topic(), record.partition(), record.offset());
        counter.count(REASON);
        return Response.resume(List.of(StreamsDeadLetters.record(topic, REASON, source, record.headers(), record.key(),
                record.value(), exception, clock.instant())));
    }
}
