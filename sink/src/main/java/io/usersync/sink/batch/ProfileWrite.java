package io.usersync.sink.batch;

import org.apache.kafka.common.TopicPartition;

import io.usersync.schemas.profile.UserProfile;

/**
 * One record of the profiles topic, ready to write: an upsert of {@code profile}, or a delete when it is null.
 *
 * @param deleteLsn source LSN of a delete, from the tombstone's header; {@link Long#MAX_VALUE} when unknown
 * @param original  the record's value as read, for the dead-letter topic
 * @param attempt   the redrive attempt the record is on (its {@code usersync.dlt.attempt} header; 1 when it has none),
 *                  for its dead letter
 */
public record ProfileWrite(String userId, UserProfile profile, long deleteLsn, TopicPartition partition, long offset,
        byte[] original, int attempt) {

    /** A write of a record that was never redriven. */
    public ProfileWrite(String userId, UserProfile profile, long deleteLsn, TopicPartition partition, long offset,
            byte[] original) {
        this(userId, profile, deleteLsn, partition, offset, original, 1);
    }

    public boolean isDelete() {
        return profile == null;
    }

    /** The LSN that orders this write against others of the same user. */
    public long sourceLsn() {
        return isDelete() ? deleteLsn : profile.sourceLsn();
    }
}
