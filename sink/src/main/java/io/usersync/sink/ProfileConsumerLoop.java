package io.usersync.sink;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.usersync.schemas.kafka.SegmentMarker;
import io.usersync.sink.batch.Batch;
import io.usersync.sink.batch.ProfileBuffer;
import io.usersync.sink.batch.ProfileRecords;
import io.usersync.sink.batch.ProfileWrite;
import io.usersync.sink.deadletter.DeadLetterReasons;
import io.usersync.sink.deadletter.DeadLetterReporter;
import io.usersync.sink.write.ProfileWriter;

/**
 * The consumer thread, and everything that touches the consumer: polls profiles into the buffer, flushes it
 * when the buffer says so, and positions each assigned partition at the offset stored in PostgreSQL. While
 * a write waits to be retried it pauses consumption but keeps polling, so it stays in its group and sees
 * rebalances. A profile refused for a username another row holds holds its partition back from it, read again
 * after a short pause, until the row's own change frees the name or {@link SinkConfig#usernameWait()} has passed
 * since its first refusal; then it is dead-lettered. Runs until {@link #stop()} or an error that is not transient.
 */
final class ProfileConsumerLoop implements Runnable, ConsumerRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(ProfileConsumerLoop.class);
    private static final Duration MAX_POLL = Duration.ofMillis(100);
    /** While idle the sink checks the database this often, so health is DOWN when it is, not only at the next write. */
    private static final Duration IDLE_CHECK_INTERVAL = Duration.ofSeconds(2);
    /**
     * Offsets committed to Kafka feed lag monitoring only: at most this often. Once per batch, in a backfill, made the
     * sink the source of most of the broker's offset commits (5,454 requests and as many {@code __consumer_offsets}
     * records for 100,000 users).
     */
    private static final Duration MONITORING_COMMIT_INTERVAL = Duration.ofSeconds(1);
    /** How often remembered deletes are looked at for ones old enough to forget; the first time soon after start. */
    private static final Duration FORGET_DELETES_INTERVAL = Duration.ofHours(1);
    /** Long enough to send the leave request; nothing else waits on close, the offsets are in PostgreSQL. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final RetryingProfileWriter database;
    private final DeadLetterReporter deadLetters;
    private final SinkMetrics metrics;
    private final SinkHealthTracker health;
    private final ProfileBuffer buffer;
    private final Duration usernameWait;
    private final Duration usernameRetry;
    /** When each write waiting for its username was first refused, by its position. */
    private final Map<Position, Long> firstRefused = new HashMap<>();
    /** Partitions held back for a username, paused until this time. */
    private final Map<TopicPartition, Long> heldUntil = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> offsetsForMonitoring = new HashMap<>();
    private volatile boolean running = true;
    private boolean rebalanced;
    private long lastDatabaseContact = System.nanoTime();
    private long lastMonitoringCommit = System.nanoTime();
    private long lastForgetDeletes = System.nanoTime() - FORGET_DELETES_INTERVAL.toNanos();

    ProfileConsumerLoop(Consumer<String, byte[]> consumer, SinkConfig config, RetryingProfileWriter database,
            DeadLetterReporter deadLetters, SinkMetrics metrics, SinkHealthTracker health) {
        this.consumer = consumer;
        this.topic = config.profilesTopic();
        this.database = database;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.health = health;
        this.buffer = new ProfileBuffer(config.batchSize(), config.batchAge(), System::nanoTime);
        this.usernameWait = config.usernameWait();
        this.usernameRetry = config.retryBackoff();
    }

    /** A record's place in its partition. */
    private record Position(TopicPartition partition, long offset) {
    }

    /** Asks the loop to end: it leaves what is buffered or being written uncommitted and closes the consumer. */
    void stop() {
        running = false;
        consumer.wakeup();
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic), this);
            while (running) {
                // An empty buffer waits for records, however short its age limit (0: write what each poll returns).
                Duration wait = !buffer.isEmpty() && buffer.timeUntilFlush().compareTo(MAX_POLL) < 0
                        ? buffer.timeUntilFlush() : MAX_POLL;
                add(consumer.poll(wait));
                resumeHeldPartitionsDue();
                if (buffer.shouldFlush()) {
                    flush();
                } else if (buffer.isEmpty() && System.nanoTime() - lastDatabaseContact > IDLE_CHECK_INTERVAL.toNanos()) {
                    checkDatabase();
                }
                commitToKafkaForMonitoring();
                forgetOldDeletesHourly();
            }
        } catch (WakeupException e) {
            if (running) {
                health.stopped(e);
            }
        } catch (RuntimeException | Error e) {
            health.stopped(e);
        } finally {
            // A static member stays in its group on close unless told to leave: leave, so that the partitions of an
            // instance stopped for good move to the others at once. After a crash nothing is sent, and the restarted
            // instance takes its place under the same group.instance.id without waiting.
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(CLOSE_TIMEOUT));
        }
    }

    private void add(ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                if (!SegmentMarker.is(record.key())) {
                    buffer.add(ProfileRecords.parse(record));
                    continue;
                }
            } catch (IOException | IllegalArgumentException e) {
                deadLetters.report(new ProfileWrite(record.key(), null, 0, new TopicPartition(record.topic(), record.partition()),
                        record.offset(), record.value(), ProfileRecords.attempt(record)), DeadLetterReasons.unreadable(e), e);
                metrics.deadLetter();
            }
            // Read, and nothing to write: a segment marker, or a record sent to the dead letters.
            buffer.markRead(new TopicPartition(record.topic(), record.partition()), record.offset());
        }
    }

    private void flush() {
        Batch batch = buffer.drain();
        rebalanced = false;
        RetryingProfileWriter.Written written = database.write(batch, new ProfileWriter.RejectedWrites() {
            @Override
            public void reject(ProfileWrite write, SQLException error) {
                deadLetters.report(write, DeadLetterReasons.rejected(error), error);
                metrics.deadLetter();
            }

            @Override
            public boolean waitsForUsername(ProfileWrite write) {
                long first = firstRefused.computeIfAbsent(new Position(write.partition(), write.offset()), position -> {
                    log.info("Sink holds partition {} back from offset {}: its profile's username is held by another"
                            + " row whose change has not been written yet; waiting up to {} s", position.partition(),
                            position.offset(), usernameWait.toSeconds());
                    return System.nanoTime();
                });
                return System.nanoTime() - first < usernameWait.toNanos();
            }
        }, () -> running && !rebalanced, this::pauseAndPoll);
        if (written == null) {
            return;
        }
        Map<TopicPartition, Long> heldBack = written.result().heldBack();
        firstRefused.keySet().removeIf(position -> !heldBack.containsKey(position.partition())
                || position.offset() < heldBack.get(position.partition()));
        heldBack.forEach(this::holdBack);
        metrics.batchWritten(batch.writes().size(), written.took());
        metrics.rows(written.result().upserted(), written.result().deleted());
        batch.writes().stream().filter(w -> !w.isDelete() && !isHeld(w, heldBack)).forEach(w -> metrics.latency(
                Duration.between(Instant.ofEpochMilli(w.profile().sourceTsMs()), written.committedAt())));
        batch.nextOffsets().forEach((partition, offset) -> offsetsForMonitoring.put(partition,
                new OffsetAndMetadata(heldBack.getOrDefault(partition, offset))));
        lastDatabaseContact = System.nanoTime();
        writing();
    }

    /**
     * Reads the partition again from {@code offset} after a pause: what was polled of it since is dropped from the
     * buffer, so that its stored offset never passes the write that waits.
     */
    private void holdBack(TopicPartition partition, long offset) {
        metrics.usernameHold();
        buffer.drop(partition);
        consumer.seek(partition, offset);
        consumer.pause(List.of(partition));
        heldUntil.put(partition, System.nanoTime() + usernameRetry.toNanos());
    }

    private static boolean isHeld(ProfileWrite write, Map<TopicPartition, Long> heldBack) {
        Long from = heldBack.get(write.partition());
        return from != null && write.offset() >= from;
    }

    private void resumeHeldPartitionsDue() {
        long now = System.nanoTime();
        List<TopicPartition> due = heldUntil.entrySet().stream().filter(held -> now - held.getValue() >= 0)
                .map(Map.Entry::getKey).toList();
        if (!due.isEmpty()) {
            due.forEach(heldUntil::remove);
            consumer.resume(due);
        }
    }

    private void checkDatabase() {
        lastDatabaseContact = System.nanoTime();
        if (database.ping() && !health.isUp() && !health.isStarting()) {
            writing();
        }
    }

    /**
     * Kafka-side offsets only feed lag monitoring; the stored offsets in PostgreSQL are the truth. Those of the batches
     * written since the last commit, once {@link #MONITORING_COMMIT_INTERVAL} has passed.
     */
    private void commitToKafkaForMonitoring() {
        if (offsetsForMonitoring.isEmpty()
                || System.nanoTime() - lastMonitoringCommit < MONITORING_COMMIT_INTERVAL.toNanos()) {
            return;
        }
        offsetsForMonitoring.keySet().retainAll(consumer.assignment());
        if (!offsetsForMonitoring.isEmpty()) {
            consumer.commitAsync(Map.copyOf(offsetsForMonitoring), null);
        }
        offsetsForMonitoring.clear();
        lastMonitoringCommit = System.nanoTime();
    }

    private void forgetOldDeletesHourly() {
        if (System.nanoTime() - lastForgetDeletes >= FORGET_DELETES_INTERVAL.toNanos() && health.isUp()) {
            lastForgetDeletes = System.nanoTime();
            database.forgetOldDeletes();
        }
    }

    /** Waits before a retry by polling with consumption paused, so the consumer stays in its group and sees rebalances. */
    private void pauseAndPoll(Duration backoff) {
        consumer.pause(consumer.assignment());
        add(consumer.poll(backoff));
    }

    /** Writing again: consumption resumes, but for partitions held back for a username. */
    private void writing() {
        health.writing();
        consumer.resume(consumer.paused().stream().filter(partition -> !heldUntil.containsKey(partition)).toList());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        // Nothing buffered is committed: whoever owns these partitions next reads it again.
        buffer.clear();
        rebalanced = true;
        heldUntil.keySet().removeAll(partitions);
        firstRefused.keySet().removeIf(position -> partitions.contains(position.partition()));
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        onPartitionsRevoked(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> stored = database.storedOffsets(partitions, () -> running, this::sleep);
        if (stored == null) {
            return;
        }
        for (TopicPartition partition : partitions) {
            Long offset = stored.get(partition);
            if (offset != null) {
                consumer.seek(partition, offset);
            } else {
                consumer.seekToBeginning(List.of(partition));
            }
        }
        log.info("Sink assigned {} partitions, positioned at the offsets stored in PostgreSQL", partitions.size());
        if (!partitions.isEmpty()) {
            health.up();
        }
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
