package io.usersync.schemas;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How long a deleted user's personal data may stay in the topics that hold it ({@code USERSYNC_ERASURE_BOUND}), and
 * the settings of those topics that follow from it. Setting names are Kafka's topic configs, as plain strings (this
 * module does not depend on Kafka).
 *
 * <p>A compacted topic keyed by user id (the CDC and profiles topics, the processor's stores' changelogs) loses a
 * record once the cleaner has cleaned past a newer record of the same key: the user's next change, or the tombstone
 * of their delete. {@code max.compaction.lag.ms}, half the bound, makes the broker roll the active segment at its
 * first append after that long and clean any log whose oldest uncleaned record is that old, whatever its dirty ratio
 * (KIP-354). The events topic, which is not compacted, deletes a segment once its newest event is half the bound old;
 * segments roll every eighth. The files a clean or a deletion replaces are removed a sixteenth later (at most Kafka's
 * 60 s default). A partition that takes no append after a delete gets one from the stream processor (a segment
 * marker, once its newest record is a roll time old, looked for every eighth of the bound). So, from a user's last
 * record, an event goes within eleven sixteenths of the bound, a compacted record keyed by user id within eleven, a
 * username within thirteen, plus the broker's own checks ({@code log.retention.check.interval.ms}, 5 minutes by
 * default; {@code log.cleaner.backoff.ms}, 15 s), which the rest of the bound leaves room for.
 */
public record ErasureBound(Duration bound) {

    /** Short bounds are for tests: below this, the broker's own checks are most of it. */
    public static final Duration MINIMUM = Duration.ofSeconds(10);
    public static final Duration MAXIMUM = Duration.ofDays(30);
    /** After MINIMUM and MAXIMUM, which the constructor reads. */
    public static final ErasureBound DEFAULT = new ErasureBound(Duration.ofHours(24));

    private static final String CLEANUP_POLICY = "cleanup.policy";
    private static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    private static final String RETENTION_MS = "retention.ms";
    private static final String SEGMENT_MS = "segment.ms";
    private static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    private static final String DELETE_RETENTION_MS = "delete.retention.ms";
    private static final Duration KAFKA_FILE_DELETE_DELAY = Duration.ofMinutes(1);

    /** The settings this class gives a topic, whatever it is: those an existing topic is brought to. */
    public static final Set<String> SETTINGS = Set.of(MAX_COMPACTION_LAG_MS, RETENTION_MS, SEGMENT_MS, FILE_DELETE_DELAY_MS,
            DELETE_RETENTION_MS);

    public ErasureBound {
        Objects.requireNonNull(bound, "bound");
        if (bound.compareTo(MINIMUM) < 0 || bound.compareTo(MAXIMUM) > 0) {
            throw new IllegalArgumentException("an erasure bound is from " + MINIMUM + " to " + MAXIMUM + "; got " + bound);
        }
    }

    /** A compacted topic keyed by user id, and a changelog of a store keyed by user id. */
    public Map<String, String> compacted() {
        return Map.of(CLEANUP_POLICY, "compact",
                MAX_COMPACTION_LAG_MS, millis(bound.dividedBy(2)),
                FILE_DELETE_DELAY_MS, fileDeleteDelay());
    }

    /**
     * A compacted changelog keyed by a username or the base usernames are made from: the key itself is personal data,
     * and a delete's tombstone keeps it until a clean after {@code delete.retention.ms} (a day by default) removes the
     * tombstone. The log is cleaned at least every quarter of the bound, and a tombstone goes at the first clean an
     * eighth after the one that found it: within about half the bound.
     */
    public Map<String, String> keyedByName() {
        return Map.of(CLEANUP_POLICY, "compact",
                MAX_COMPACTION_LAG_MS, millis(bound.dividedBy(4)),
                DELETE_RETENTION_MS, millis(bound.dividedBy(8)),
                FILE_DELETE_DELAY_MS, fileDeleteDelay());
    }

    /** A topic of events: each is deleted with its segment. */
    public Map<String, String> expiring() {
        return Map.of(CLEANUP_POLICY, "delete",
                RETENTION_MS, millis(bound.dividedBy(2)),
                SEGMENT_MS, millis(bound.dividedBy(8)),
                FILE_DELETE_DELAY_MS, fileDeleteDelay());
    }

    /**
     * A topic whose records are deleted below an offset once done with (the processor's username claims and
     * assignments once read, as Kafka Streams does with its repartition topics; the dead letters of a deleted user): its
     * segments roll at the first append after an eighth of the bound, so that the deleted records leave with their
     * segment. What an existing topic is brought to; its retention is its own.
     */
    public Map<String, String> purged() {
        return Map.of(SEGMENT_MS, millis(bound.dividedBy(8)),
                FILE_DELETE_DELAY_MS, fileDeleteDelay());
    }

    /** {@link #purged()}, for a topic to create, with its cleanup policy and retention. */
    public Map<String, String> purged(Duration retention) {
        return Map.of(CLEANUP_POLICY, "delete",
                RETENTION_MS, millis(retention),
                SEGMENT_MS, millis(bound.dividedBy(8)),
                FILE_DELETE_DELAY_MS, fileDeleteDelay());
    }

    private String fileDeleteDelay() {
        Duration sixteenth = bound.dividedBy(16);
        return millis(sixteenth.compareTo(KAFKA_FILE_DELETE_DELAY) < 0 ? sixteenth : KAFKA_FILE_DELETE_DELAY);
    }

    private static String millis(Duration duration) {
        return Long.toString(duration.toMillis());
    }
}
