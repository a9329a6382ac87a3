package io.usersync.sink.deadletter;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.kafka.KafkaClientSettings;
import io.usersync.schemas.logging.LogFields;
import io.usersync.schemas.profile.ProfileHeaders;
import io.usersync.sink.batch.ProfileWrite;
import io.usersync.sink.write.Failure;

/**
 * Publishes dead letters with the original key and bytes and the headers every stage uses. Waits for
 * the broker's acknowledgement: the batch that dropped the record commits only after that.
 */
public final class KafkaDeadLetterReporter implements DeadLetterReporter, AutoCloseable {

    public static final String STAGE = DeadLetterHeaders.STAGE_SINK;

    private static final Logger log = LoggerFactory.getLogger(KafkaDeadLetterReporter.class);

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final Clock clock;

    public KafkaDeadLetterReporter(Producer<String, byte[]> producer, String topic, Clock clock) {
        this.producer = producer;
        this.topic = topic;
        this.clock = clock;
    }

    public static KafkaDeadLetterReporter create(KafkaClientSettings kafka, String topic) {
        Map<String, Object> config = kafka.clientProperties(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "usersync-sink-dlt",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
        return new KafkaDeadLetterReporter(new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer()),
                topic, Clock.systemUTC());
    }

    @Override
    public void report(ProfileWrite write, String reason, Throwable error) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, write.userId(), write.original());
        DeadLetterHeaders.of(cause(reason, error),
                        new DeadLetterHeaders.Source(write.partition().topic(), write.partition().partition(), write.offset()),
                        write.attempt(), clock.instant())
                .forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        if (write.isDelete() && write.deleteLsn() != Long.MAX_VALUE) {
            // Kept (DeadLetterHeaders.KEPT): a redriven tombstone needs it to be applied in order.
            record.headers().add(ProfileHeaders.SOURCE_LSN, Long.toString(write.deleteLsn()).getBytes(StandardCharsets.UTF_8));
        }
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending a dead letter", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("dead-letter topic " + topic + " did not take a record", e.getCause());
        }
        // A key that is not a user id may be anything, an email among them: it is not logged.
        boolean userId = !DeadLetterReasons.KEY_NOT_A_UUID.equals(reason);
        LoggingEventBuilder line = log.atWarn().addKeyValue(LogFields.STAGE, STAGE)
                .addKeyValue(LogFields.TOPIC, write.partition().topic())
                .addKeyValue(LogFields.PARTITION, write.partition().partition())
                .addKeyValue(LogFields.OFFSET, write.offset());
        if (userId) {
            line = line.addKeyValue(LogFields.USER_ID, write.userId());
        }
        line.log("Profile of user {} at {}@{} sent to {}: {}", userId ? write.userId() : "(key not a UUID)", write.partition(),
                write.offset(), topic, reason);
    }

    /** What the database said, as {@link Failure#describe}: names of the constraint, table and column, no values. */
    private static DeadLetterHeaders.Cause cause(String reason, Throwable error) {
        return error instanceof SQLException sql
                ? new DeadLetterHeaders.Cause(STAGE, reason, error.getClass().getName(), Failure.describe(sql))
                : DeadLetterHeaders.Cause.of(STAGE, reason, error);
    }

    @Override
    public void close() {
        producer.close();
    }
}
