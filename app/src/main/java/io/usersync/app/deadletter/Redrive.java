package io.usersync.app.deadletter;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;

import javax.sql.DataSource;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.schemas.deadletter.DeadLetterHeaders;
import io.usersync.schemas.kafka.KafkaClientSettings;

/**
 * Re-publishes dead letters, key and original bytes, to the topic of the stage that failed (their
 * {@code source.topic} header), once the cause is fixed, with an {@code attempt} header one more than theirs. Each is recorded in {@code usersync.dlt_redrives}
 * in the same transaction that claims it, so a second redrive skips what the first re-published.
 *
 * <p>Headers are written by whoever can produce to the dead-letter topic, so {@code source.topic} is not
 * trusted: only the topics the stages consume are redriven to. A forged one ({@code __consumer_offsets},
 * capture's offsets, a Kafka Streams changelog, any other topic) is refused, reported and not claimed. So is
 * a dead letter already redriven the most times allowed: its input fails however often it is sent again.
 */
public final class Redrive {

    /** Redrives of one input before it is left for a person: the cause was not what the redrives fixed. */
    public static final int DEFAULT_MAX_REDRIVES = 3;

    private static final Logger log = LoggerFactory.getLogger(Redrive.class);

    /** How a redrive went. */
    public record Result(int redriven, int skipped, List<Refusal> refused) {
    }

    /** A dead letter that was not redriven because of where it claims to come from. */
    public record Refusal(String id, String sourceTopic, String why) {
    }

    private static final String CLAIM = """
            insert into usersync.dlt_redrives (dlt_topic, dlt_partition, dlt_offset, target_topic)
            values (?, ?, ?, ?) on conflict do nothing
            """;

    private final DataSource database;
    private final KafkaClientSettings kafka;
    private final Set<String> pipelineTopics;
    private final int maxRedrives;

    /** @param pipelineTopics the topics the stages consume: the only ones a dead letter goes back to */
    public Redrive(DataSource database, KafkaClientSettings kafka, Set<String> pipelineTopics) {
        this(database, kafka, pipelineTopics, DEFAULT_MAX_REDRIVES);
    }

    /** @param maxRedrives times one input may be redriven; a dead letter of a later attempt is refused */
    public Redrive(DataSource database, KafkaClientSettings kafka, Set<String> pipelineTopics, int maxRedrives) {
        this.database = database;
        this.kafka = kafka;
        this.pipelineTopics = Set.copyOf(pipelineTopics);
        this.maxRedrives = maxRedrives;
    }

    public Result redrive(List<DeadLetterRecord> letters) throws SQLException, InterruptedException {
        int redriven = 0;
        int skipped = 0;
        List<Refusal> refused = new ArrayList<>();
        try (Connection connection = database.getConnection();
                PreparedStatement claim = connection.prepareStatement(CLAIM);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(Map.of(
                        ProducerConfig.CLIENT_ID_CONFIG, "usersync-redrive",
                        ProducerConfig.ACKS_CONFIG, "all")), new StringSerializer(), new ByteArraySerializer())) {
            connection.setAutoCommit(false);
            for (DeadLetterRecord letter : letters) {
                Refusal refusal = refusal(letter, pipelineTopics, maxRedrives);
                if (refusal != null) {
                    log.warn("Dead letter {} not redriven: {}", refusal.id(), refusal.why());
                    refused.add(refusal);
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
                    producer.send(redriven(letter)).get();
                } catch (ExecutionException e) {
                    connection.rollback();
                    throw new IllegalStateException("could not re-publish dead letter " + letter.id() + " to "
                            + letter.sourceTopic(), e.getCause());
                }
                connection.commit();
                redriven++;
            }
        }
        return new Result(redriven, skipped, List.copyOf(refused));
    }

    /**
     * The key and original bytes, with the attempt one more than the dead letter's: the stage that fails it again
     * writes that attempt on its dead letter, so {@code attempt} counts redrives. The original's headers that the
     * dead letter kept ({@link DeadLetterHeaders#KEPT}: a tombstone's source LSN) go with it.
     */
    static ProducerRecord<String, byte[]> redriven(DeadLetterRecord letter) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(letter.sourceTopic(), letter.key(), letter.value());
        letter.keptHeaders().forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        record.headers().add(DeadLetterHeaders.ATTEMPT, Integer.toString(letter.attempt() + 1).getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /** Why the letter is not redriven; null when it may be. */
    static Refusal refusal(DeadLetterRecord letter, Set<String> pipelineTopics, int maxRedrives) {
        if (letter.sourceTopic() == null) {
            return new Refusal(letter.id(), null, "it has no source.topic header");
        }
        if (!pipelineTopics.contains(letter.sourceTopic())) {
            return new Refusal(letter.id(), letter.sourceTopic(), "its source.topic '" + letter.sourceTopic()
                    + "' is not a topic the pipeline consumes " + new TreeSet<>(pipelineTopics));
        }
        // Attempt 1 is the first failure, so a dead letter of attempt n has been redriven n - 1 times.
        if (letter.attempt() - 1 >= maxRedrives) {
            return new Refusal(letter.id(), letter.sourceTopic(), "it was redriven " + (letter.attempt() - 1)
                    + " times and failed again; fix the cause, or raise USERSYNC_DLT_MAX_REDRIVES (" + maxRedrives + ")");
        }
        return null;
    }
}
