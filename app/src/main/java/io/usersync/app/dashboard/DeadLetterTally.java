package io.usersync.app.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Dead letters counted by stage and reason, and the latest few, as the dashboard reads them from the topic. */
final class DeadLetterTally {

    record Count(String stage, String reason, long count) {
    }

    private record Key(String stage, String reason) {
    }

    private final int latestKept;
    private final Map<Key, Long> counts = new HashMap<>();
    private final ArrayDeque<DeadLetterSummary> latest = new ArrayDeque<>();
    private long total;

    DeadLetterTally(int latestKept) {
        this.latestKept = latestKept;
    }

    synchronized void add(DeadLetterSummary letter) {
        counts.merge(new Key(letter.stage(), letter.reason()), 1L, Long::sum);
        total++;
        latest.addFirst(letter);
        if (latest.size() > latestKept) {
            latest.removeLast();
        }
    }

    synchronized long total() {
        return total;
    }

    /** Counts, largest first, then by stage and reason. */
    synchronized List<Count> counts() {
        List<Count> result = new ArrayList<>();
        counts.forEach((key, count) -> result.add(new Count(key.stage(), key.reason(), count)));
        result.sort(Comparator.comparingLong(Count::count).reversed().thenComparing(Count::stage).thenComparing(Count::reason));
        return result;
    }

    /** The latest dead letters read, newest first. */
    synchronized List<DeadLetterSummary> latest() {
        return List.copyOf(latest);
    }
}
