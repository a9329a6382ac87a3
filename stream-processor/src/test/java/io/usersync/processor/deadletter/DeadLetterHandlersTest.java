package io.usersync.processor.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

import io.usersync.schemas.deadletter.DeadLetterHeaders;

class DeadLetterHandlersTest {

    private static final String DLT = "usersync.dlt";
    private static final String PERSONAL = "alice@example.com";
    private static final byte[] KEY = "6a1f4a5e-2f0e-4c37-9d0c-3f1d0e6b7a11".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = ("{\"email\":\"" + PERSONAL + "\"}").getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldSendTheSourceRecordOfAFailedProcessorWithTheContractsHeadersOnlyAndGoOn() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, DLT));

        ProcessingExceptionHandler.Response response = handler.handleError(context(sourceHeaders("2")),
                new Record<>("key", "value", 0L), new IllegalStateException("cannot handle " + PERSONAL));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> deadLetter = only(response.deadLetterQueueRecords());
        assertThat(deadLetter.topic()).isEqualTo(DLT);
        assertThat(deadLetter.key()).isEqualTo(KEY);
        assertThat(deadLetter.value()).isEqualTo(VALUE);
        assertThat(names(deadLetter.headers())).isEqualTo(DeadLetterHeaders.NAMES);
        assertThat(texts(deadLetter.headers()))
                .containsEntry(DeadLetterHeaders.STAGE, DeadLetterHeaders.STAGE_PROCESSOR)
                .containsEntry(DeadLetterHeaders.REASON, DeadLetterProcessingHandler.REASON)
                .containsEntry(DeadLetterHeaders.ERROR_CLASS, IllegalStateException.class.getName())
                .containsEntry(DeadLetterHeaders.ERROR_MESSAGE, "IllegalStateException")
                .containsEntry(DeadLetterHeaders.SOURCE_TOPIC, "usersync.auth.users.cdc")
                .containsEntry(DeadLetterHeaders.SOURCE_PARTITION, "2")
                .containsEntry(DeadLetterHeaders.SOURCE_OFFSET, "41")
                .containsEntry(DeadLetterHeaders.ATTEMPT, "2");
        assertThat(texts(deadLetter.headers()).values()).noneMatch(text -> text.contains(PERSONAL));
    }

    @Test
    void shouldSendARecordThatCannotBeReadWithTheContractsHeadersOnlyAndGoOn() {
        DeadLetterDeserializationHandler handler = new DeadLetterDeserializationHandler();
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, DLT));
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("usersync-processor-username-claims", 1, 7L, 0L,
                TimestampType.CREATE_TIME, KEY.length, VALUE.length, KEY, VALUE, sourceHeaders(null), Optional.empty());

        DeserializationExceptionHandler.Response response = handler.handleError(context(new RecordHeaders()), record,
                new SerializationException("unexpected " + PERSONAL));

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> deadLetter = only(response.deadLetterQueueRecords());
        assertThat(deadLetter.value()).isEqualTo(VALUE);
        assertThat(names(deadLetter.headers())).isEqualTo(DeadLetterHeaders.NAMES);
        assertThat(texts(deadLetter.headers()))
                .containsEntry(DeadLetterHeaders.REASON, DeadLetterDeserializationHandler.REASON)
                .containsEntry(DeadLetterHeaders.SOURCE_TOPIC, "usersync-processor-username-claims")
                .containsEntry(DeadLetterHeaders.SOURCE_PARTITION, "1")
                .containsEntry(DeadLetterHeaders.SOURCE_OFFSET, "7")
                .containsEntry(DeadLetterHeaders.ATTEMPT, "1");
        assertThat(texts(deadLetter.headers()).values()).noneMatch(text -> text.contains(PERSONAL));
    }

    @Test
    void shouldCountEachDeadLetterByItsReasonWithTheCounterTheStageHandsIn() {
        List<String> counted = new ArrayList<>();
        Map<String, Object> configs = Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, DLT,
                DeadLetterCounter.CONFIG, (DeadLetterCounter) counted::add);
        DeadLetterProcessingHandler processing = new DeadLetterProcessingHandler();
        processing.configure(configs);
        DeadLetterDeserializationHandler deserialization = new DeadLetterDeserializationHandler();
        deserialization.configure(configs);

        processing.handleError(context(new RecordHeaders()), new Record<>("key", "value", 0L), new IllegalStateException());
        deserialization.handleError(context(new RecordHeaders()), new ConsumerRecord<>("t", 0, 0L, KEY, VALUE),
                new SerializationException());

        assertThat(counted).containsExactly(DeadLetterProcessingHandler.REASON, DeadLetterDeserializationHandler.REASON);
    }

    @Test
    void shouldRefuseToStartWithoutADeadLetterTopic() {
        assertThatThrownBy(() -> new DeadLetterProcessingHandler().configure(Map.of()))
                .isInstanceOf(ConfigException.class);
    }

    /** Headers of a source record: a redrive's attempt, when given, and one a user could have set. */
    private static Headers sourceHeaders(String attempt) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("note", PERSONAL.getBytes(StandardCharsets.UTF_8));
        if (attempt != null) {
            headers.add(DeadLetterHeaders.ATTEMPT, attempt.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static ErrorHandlerContext context(Headers headers) {
        return new ErrorHandlerContext() {
            @Override
            public String topic() {
                return "usersync.auth.users.cdc";
            }

            @Override
            public int partition() {
                return 2;
            }

            @Override
            public long offset() {
                return 41;
            }

            @Override
            public Headers headers() {
                return headers;
            }

            @Override
            public String processorNodeId() {
                return "user-state";
            }

            @Override
            public TaskId taskId() {
                return new TaskId(0, 2);
            }

            @Override
            public long timestamp() {
                return 0;
            }

            @Override
            public byte[] sourceRawKey() {
                return KEY;
            }

            @Override
            public byte[] sourceRawValue() {
                return VALUE;
            }
        };
    }

    private static ProducerRecord<byte[], byte[]> only(List<ProducerRecord<byte[], byte[]>> records) {
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    private static List<String> names(Headers headers) {
        List<String> names = new ArrayList<>();
        headers.forEach(header -> names.add(header.key()));
        return names;
    }

    private static Map<String, String> texts(Headers headers) {
        Map<String, String> texts = new LinkedHashMap<>();
        for (Header header : headers) {
            texts.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return texts;
    }
}
