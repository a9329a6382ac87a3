package io.usersync.app.deadletter;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.usersync.capture.CaptureConfig;
import io.usersync.schemas.kafka.KafkaClientSettings;

/**
 * Re-publishes dead letters, key and original bytes, to the topic of the stage that failed (their
 * {@code source.topic} header), once the cause is fixed. Each is recorded in {@code usersync.dlt_redrives}
 * in the same transaction that claims it, so a second redrive skips what the first re-published.
 */
public final class Redrive {

    /** How a redrive went. */
    public record Result(int redriven, int skipped) {
    }

    private static final String CLAIM = """
            insert into usersync.dlt_redrives (dlt_topic, dlt_partition, dlt_offset, target_topic)
            values (?, ?, ?, ?) on conflict do nothing
            """;

    private final CaptureConfig.DatabaseConnection database;
    private final KafkaClientSettings kafka;

    public Redrive(CaptureConfig.DatabaseConnection database, KafkaClientSettings kafka) {
        this.database = database;
        this.kafka = kafka;
    }

    public Result redrive(List<DeadLetter> letters) throws SQLException, InterruptedException {
        int redriven = 0;
        int skipped = 0;
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
                PreparedStatement claim = connection.prepareStatement(CLAIM);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(Map.of(
                        ProducerConfig.CLIENT_ID_CONFIG, "usersync-redrive",
                        ProducerConfig.ACKS_CONFIG, "all")), new StringSerializer(), new ByteArraySerializer())) {
            connection.setAutoCommit(false);
            for (DeadLetter letter : letters) {
                if (letter.sourceTopic() == null) {
                    skipped++;
                    continue;
                }
                claim.setString(1, letter.topic());
                claim.setInt(2, letter.partition());
                claim.setLong(3, letter.offset());
                claim.setString(4, letter.sourceTopic());
                if (claim.executeUpdate() == 0) {
                    connection.rollback();
                    skipped++;
                    continue;
                }
                try {
                    producer.send(new ProducerRecord<>(letter.sourceTopic(), letter.key(), letter.value())).get();
                } catch (ExecutionException e) {
                    connection.rollback();
                    throw new IllegalStateException("could not re-publish dead letter " + letter.id() + " to "
                            + letter.sourceTopic(), e.getCause());
                }
                connection.commit();
                redriven++;
            }
        }
        return new Result(redriven, skipped);
    }
}
