package io.usersync.sink.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.apache.kafka.common.TopicPartition;

/**
 * Decides when to flush and what: keeps only the newest write per user by source LSN (a delete after an
 * upsert wins, and so does an upsert after a delete; an older write arriving late loses), and flushes when {@code maxSize} users are buffered or
 * the oldest buffered record is {@code maxAge} old. Knows nothing of the database.
 */
public final class ProfileBuffer {

    private final int maxSize;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final LinkedHashMap<String, ProfileWrite> latest = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private long firstAddedAt;

    public ProfileBuffer(int maxSize, Duration maxAge, LongSupplier nanoTime) {
        this.maxSize = maxSize;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
    }

    public void add(ProfileWrite write) {
        markRead(write.partition(), write.offset());
        ProfileWrite current = latest.get(write.userId());
        if (current != null && write.sourceLsn() < current.sourceLsn()) {
            return;
        }
        latest.remove(write.userId());
        latest.put(write.userId(), write);
    }

    /** Counts a record that needs no write (dead-lettered, say): its offset still moves with the next batch. */
    public void markRead(TopicPartition partition, long offset) {
        if (nextOffsets.isEmpty()) {
            firstAddedAt = nanoTime.getAsLong();
        }
        nextOffsets.merge(partition, offset + 1, Math::max);
    }

    public boolean isEmpty() {
        return nextOffsets.isEmpty();
    }

    public boolean shouldFlush() {
        return latest.size() >= maxSize || (!isEmpty() && nanoTime.getAsLong() - firstAddedAt >= maxAgeNanos);
    }

    /** How long until the age limit forces a flush; the full age when the buffer is empty. */
    public Duration timeUntilFlush() {
        if (isEmpty()) {
            return Duration.ofNanos(maxAgeNanos);
        }
        return Duration.ofNanos(Math.max(0, maxAgeNanos - (nanoTime.getAsLong() - firstAddedAt)));
    }

    public Batch drain() {
        Batch batch = new Batch(new ArrayList<>(latest.values()), nextOffsets);
        clear();
        return batch;
    }

    /** Forgets what was read of the partition: it is read again from an earlier offset. */
    public void drop(TopicPartition partition) {
        latest.values().removeIf(write -> write.partition().equals(partition));
        nextOffsets.remove(partition);
    }

    public void clear() {
        latest.clear();
        nextOffsets.clear();
    }
}
