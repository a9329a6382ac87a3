package io.usersync.app.deadletter;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds dead letters into one alert per stage and reason per window, so a burst of ten thousand failures
 * becomes a handful of messages. Knows nothing of Kafka or HTTP.
 */
public final class AlertAggregator {

    private static final int SAMPLE_IDS = 5;

    private record Key(String stage, String reason) {
    }

    private static final class Tally {
        long count;
        Instant firstSeen;
        Instant lastSeen;
        final List<String> userIds = new ArrayList<>();
    }

    private final Duration window;
    private final Map<Key, Tally> tallies = new LinkedHashMap<>();
    private Instant windowStart;

    public AlertAggregator(Duration window) {
        this.window = window;
    }

    public void add(DeadLetterRecord letter, Instant now) {
        if (tallies.isEmpty()) {
            windowStart = now;
        }
        Tally tally = tallies.computeIfAbsent(new Key(letter.stage(), letter.reason()), key -> new Tally());
        tally.count++;
        if (tally.firstSeen == null || letter.failedAt().isBefore(tally.firstSeen)) {
            tally.firstSeen = letter.failedAt();
        }
        if (tally.lastSeen == null || letter.failedAt().isAfter(tally.lastSeen)) {
            tally.lastSeen = letter.failedAt();
        }
        if (letter.key() != null && tally.userIds.size() < SAMPLE_IDS && !tally.userIds.contains(letter.key())) {
            tally.userIds.add(letter.key());
        }
    }

    /** Whether the window that began with the first dead letter held has passed. */
    public boolean due(Instant now) {
        return !tallies.isEmpty() && !now.isBefore(windowStart.plus(window));
    }

    public boolean isEmpty() {
        return tallies.isEmpty();
    }

    public List<Alert> drain() {
        List<Alert> alerts = new ArrayList<>();
        tallies.forEach((key, tally) -> alerts.add(new Alert(key.stage(), key.reason(), tally.count, tally.firstSeen,
                tally.lastSeen, List.copyOf(tally.userIds))));
        tallies.clear();
        return alerts;
    }
}
