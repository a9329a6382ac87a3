package io.usersync.app.deadletter;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds dead letters into one alert per stage and reason per window, so a burst of ten thousand failures
 * becomes a handful of messages; a stage and reason with fewer dead letters in the window than the threshold
 * raises none (each dead letter is still logged). Knows nothing of Kafka or HTTP.
 */
public final class AlertAggregator {

    /** Every dead letter is worth an alert unless the operator says otherwise. */
    public static final int DEFAULT_MIN_DEAD_LETTERS = 1;

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
    private final int minDeadLetters;
    private final Map<Key, Tally> tallies = new LinkedHashMap<>();
    private Instant windowStart;

    public AlertAggregator(Duration window) {
        this(window, DEFAULT_MIN_DEAD_LETTERS);
    }

    /** @param minDeadLetters dead letters of one stage and reason a window must hold to be alerted */
    public AlertAggregator(Duration window, int minDeadLetters) {
        if (minDeadLetters < 1) {
            throw new IllegalArgumentException("minDeadLetters must be at least 1");
        }
        this.window = window;
        this.minDeadLetters = minDeadLetters;
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

    /** The window's alerts, those of at least the threshold's dead letters; empties the window. */
    public List<Alert> drain() {
        List<Alert> alerts = new ArrayList<>();
        tallies.forEach((key, tally) -> {
            if (tally.count >= minDeadLetters) {
                alerts.add(new Alert(key.stage(), key.reason(), tally.count, tally.firstSeen, tally.lastSeen,
                        List.copyOf(tally.userIds)));
            }
        });
        tallies.clear();
        return alerts;
    }
}
