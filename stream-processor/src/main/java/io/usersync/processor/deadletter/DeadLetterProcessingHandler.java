package io.usersync.processor.deadletter;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.deadletter.ErrorDescription;
import io.usersync.schemas.logging.LogFields;

/**
 * An exception a processor throws for one record sends that record's source bytes to the dead-letter topic with
 * our headers, and processing goes on (Kafka Streams' {@code processing.exception.handler}).
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    /** The reason on these dead letters. */
    public static final String REASON = "processing-failed";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    private final Clock clock = Clock.systemUTC();
    private String topic;
    private DeadLetterCounter counter;

    @Override
    public void configure(Map<String, ?> configs) {
        topic = StreamsDeadLetters.topic(configs);
        counter = StreamsDeadLetters.counter(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        // The exception's message may quote the record: log where it failed and what it was, not what it said.
        log.atWarn().addKeyValue(LogFields.STAGE, DeadLetterHeaders.STAGE_PROCESSOR).addKeyValue(LogFields.TOPIC, context.topic())
                .addKeyValue(LogFields.PARTITION, context.partition()).addKeyValue(LogFields.OFFSET, context.offset())
                .log("Processor {} of task {} failed on {}-{}@{}: {}; sent to the dead-letter topic", context.processorNodeId(),
                context.taskId(), context.topic(), context.partition(), context.offset(), ErrorDescription.of(exception));
        // The source record of the task, not the one the failed processor saw: that is what a redrive re-publishes.
        DeadLetterHeaders.Source source = new DeadLetterHeaders.Source(context.topic(), context.partition(), context.offset());
        counter.count(REASON);
        return Response.resume(List.of(StreamsDeadLetters.record(topic, REASON, source, context.headers(),
                context.sourceRawKey(), context.sourceRawValue(), exception, clock.instant())));
    }
}
