package io.usersync.app.bench;

import java.util.Arrays;
import java.util.UUID;

/**
 * When each user's record was seen at one point of the pipeline, kept in flat arrays (three longs a record:
 * the id's two halves and the time), so the bench's own heap hardly shows in the pipeline's, even for a
 * million users in a 256 MB heap.
 */
final class Arrivals {

    /** What {@link First#at} answers for a user never seen. */
    static final long NEVER = Long.MIN_VALUE;

    private long[] values = new long[3 * 1024];
    private int size;

    synchronized void add(UUID id, long epochMicros) {
        if (size + 3 > values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = id.getMostSignificantBits();
        values[size++] = id.getLeastSignificantBits();
        values[size++] = epochMicros;
    }

    synchronized int count() {
        return size / 3;
    }

    /** The first arrival of each user seen so far, and a fresh start for the next phase. */
    synchronized First takeFirst() {
        long[] taken = values;
        int n = size / 3;
        values = new long[3 * 1024];
        size = 0;
        Triplets.sort(taken, n);
        // Sorted by id, then time: the first of each id's run is its first arrival.
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (kept == 0 || !Triplets.sameId(taken, kept - 1, i)) {
                System.arraycopy(taken, 3 * i, taken, 3 * kept, 3);
                kept++;
            }
        }
        return new First(taken, kept);
    }

    /** The first arrival of each user, sorted by id and looked up by binary search. */
    static final class First {

        private final long[] triplets;
        private final int count;

        private First(long[] triplets, int count) {
            this.triplets = triplets;
            this.count = count;
        }

        int count() {
            return count;
        }

        /** When the user first arrived, epoch microseconds, or {@link #NEVER}. */
        long at(UUID id) {
            long msb = id.getMostSignificantBits();
            long lsb = id.getLeastSignificantBits();
            int low = 0;
            int high = count - 1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                int order = Triplets.compareId(triplets[3 * mid], triplets[3 * mid + 1], msb, lsb);
                if (order < 0) {
                    low = mid + 1;
                } else if (order > 0) {
                    high = mid - 1;
                } else {
                    return triplets[3 * mid + 2];
                }
            }
            return NEVER;
        }
    }

    /** In-place heap sort of (msb, lsb, time) triplets: no extra memory, whatever the input order. */
    private static final class Triplets {

        static void sort(long[] a, int n) {
            for (int i = n / 2 - 1; i >= 0; i--) {
                siftDown(a, i, n);
            }
            for (int end = n - 1; end > 0; end--) {
                swap(a, 0, end);
                siftDown(a, 0, end);
            }
        }

        private static void siftDown(long[] a, int i, int n) {
            while (true) {
                int largest = i;
                int left = 2 * i + 1;
                int right = left + 1;
                if (left < n && compare(a, left, largest) > 0) {
                    largest = left;
                }
                if (right < n && compare(a, right, largest) > 0) {
                    largest = right;
                }
                if (largest == i) {
                    return;
                }
                swap(a, i, largest);
                i = largest;
            }
        }

        static boolean sameId(long[] a, int i, int j) {
            return a[3 * i] == a[3 * j] && a[3 * i + 1] == a[3 * j + 1];
        }

        static int compareId(long msbA, long lsbA, long msbB, long lsbB) {
            int order = Long.compare(msbA, msbB);
            return order != 0 ? order : Long.compare(lsbA, lsbB);
        }

        private static int compare(long[] a, int i, int j) {
            int order = compareId(a[3 * i], a[3 * i + 1], a[3 * j], a[3 * j + 1]);
            return order != 0 ? order : Long.compare(a[3 * i + 2], a[3 * j + 2]);
        }

        private static void swap(long[] a, int i, int j) {
            for (int k = 0; k < 3; k++) {
                long t = a[3 * i + k];
                a[3 * i + k] = a[3 * j + k];
                a[3 * j + k] = t;
            }
        }
    }
}
