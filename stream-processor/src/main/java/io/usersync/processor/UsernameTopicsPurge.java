package io.usersync.processor;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what the processor has read of its username claims and assignments, as Kafka Streams does with its own
 * repartition topics: every record below the application's committed offset of its partition. Those topics carry
 * usernames and who holds them from one task to another, and are read within moments; kept for their seven days of
 * retention, a deleted user's usernames would outlive {@code USERSYNC_ERASURE_BOUND}. Nothing unread is deleted, however
 * long the processor is stopped.
 *
 * <p>A record goes with its segment, once the broker's retention check finds the segment below the log's start: the
 * segments roll at the first append after an eighth of the bound ({@code ErasureBound#purged}), and this runs every
 * eighth of the bound, at most every 30 s.
 */
final class UsernameTopicsPurge implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UsernameTopicsPurge.class);
    private static final Duration MOST_OFTEN = Duration.ofSeconds(30);

    private final Admin admin;
    private final String applicationId;
    private final Set<String> topics;
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(
            runnable -> new Thread(runnable, "usersync-processor-purge"));
    /** The offset each partition was purged to last, so that a partition read no further is not asked again. */
    private final Map<TopicPartition, Long> purgedTo = new HashMap<>();
    private boolean refused;

    UsernameTopicsPurge(ProcessorConfig config) {
        this.admin = Admin.create(config.kafka().clientProperties(Map.of()));
        this.applicationId = config.applicationId();
        this.topics = Set.of(config.claimsTopic(), config.assignmentsTopic());
        Duration eighth = config.erasureBound().bound().dividedBy(8);
        long every = (eighth.compareTo(MOST_OFTEN) < 0 ? eighth : MOST_OFTEN).toMillis();
        schedule.scheduleWithFixedDelay(this::purgeQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** Deletes the records of the username topics below the application's committed offsets. */
    void purge() throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, RecordsToDelete> readSince = new HashMap<>();
        committed.forEach((partition, offset) -> {
            if (offset != null && topics.contains(partition.topic())
                    && offset.offset() > purgedTo.getOrDefault(partition, 0L)) {
                readSince.put(partition, RecordsToDelete.beforeOffset(offset.offset()));
            }
        });
        if (readSince.isEmpty()) {
            return;
        }
        admin.deleteRecords(readSince).all().get();
        readSince.forEach((partition, records) -> purgedTo.put(partition, records.beforeOffset()));
        log.debug("Username topics purged to {}", purgedTo);
    }

    private void purgeQuietly() {
        try {
            purge();
            refused = false;
        } catch (ExecutionException e) {
            // Said once until it works again: the pipeline goes on, the topics only keep what they hold longer.
            if (!refused) {
                log.warn("Cannot delete what the processor has read of {} ({}): a deleted user's usernames may stay in"
                        + " them up to their retention, longer than USERSYNC_ERASURE_BOUND. Fix: allow this client"
                        + " DeleteRecords on them and Describe on group {}", topics, e.getCause().getClass().getSimpleName(),
                        applicationId);
                refused = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        schedule.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
