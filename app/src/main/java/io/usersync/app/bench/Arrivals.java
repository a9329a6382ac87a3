package io.usersync.app.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * When each user's record was seen at one point of the pipeline, kept in flat arrays while a phase runs
 * (three longs a record, so the bench's own heap hardly shows in the pipeline's) and turned into a map
 * only afterwards.
 */
final class Arrivals {

    private long[] values = new long[3 * 1024];
    private int size;

    synchronized void add(UUID id, long epochMicros) {
        if (size + 3 > values.length) {
            values = java.util.Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = id.getMostSignificantBits();
        values[size++] = id.getLeastSignificantBits();
        values[size++] = epochMicros;
    }

    synchronized int count() {
        return size / 3;
    }

    /** The first arrival of each user. */
    synchronized Map<UUID, Long> firstById() {
        Map<UUID, Long> first = new HashMap<>(size / 3 * 2);
        for (int i = 0; i < size; i += 3) {
            first.putIfAbsent(new UUID(values[i], values[i + 1]), values[i + 2]);
        }
        return first;
    }

    synchronized void clear() {
        size = 0;
        values = new long[3 * 1024];
    }
}
