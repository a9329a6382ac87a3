package io.usersync.schemas.kafka;

/**
 * A record that holds nothing, appended to a partition that has gone quiet so that the broker closes the segment that
 * holds its last records: a broker rolls a partition's active segment only at an append, and neither compaction nor
 * a purge below an offset ever touches the active segment. Without one, a deleted user's last records stay on disk
 * in a partition that takes no record after the delete, however long after the erasure bound.
 *
 * <p>It is a tombstone (no value) of one key that no record of the pipeline can have: it begins with a NUL character,
 * which PostgreSQL's text never holds, and every key of the pipeline's is a user id, a username or a base of one
 * taken from PostgreSQL. So a compacted topic keeps one marker per partition at most, and none once the cleaner has
 * let its tombstone go. Every reader of a topic that gets markers (the CDC, reservations, profiles, claims and
 * assignments topics and the processor's changelogs) skips them by their key; the header names them to anyone who
 * looks at the topic with another tool.
 */
public final class SegmentMarker {

    public static final String KEY = "\u0000usersync.segment.marker";
    public static final String HEADER = "usersync.segment.marker";

    private SegmentMarker() {
    }

    public static boolean is(String key) {
        return KEY.equals(key);
    }
}
