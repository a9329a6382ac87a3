package io.usersync.processor.topology;

import io.usersync.schemas.cdc.AuthUserRow;
import io.usersync.schemas.profile.UserProfile;

/**
 * What the topology remembers of a user, in the {@code user-state} store.
 *
 * @param lsn      source LSN of the newest change applied: older changes are ignored
 * @param tsMs     source commit time of that change
 * @param row      the last known row, to fill in unchanged-TOAST placeholders
 * @param username the user's username; null while a claim is pending; of a deleted user, the one released
 * @param pending  a claim was sent and its answer has not come back yet
 * @param profile  the last profile published, to tell whether a change is visible
 * @param deleted  the user is deleted; kept so that a late older change cannot bring it back
 * @param resync   the newest change was a snapshot read, to be rewritten whether or not it changed
 * @param slotSnapshot the newest change was a row of a slot's snapshot ({@link io.usersync.schemas.cdc.AuthUserChange#isSlotSnapshotRead()}), or
 *                 a change streamed after it with an LSN below it: every change streamed after such a row is newer
 * @param sent     what the newest change sent, to send again if that change comes again
 */
record UserState(long lsn, long tsMs, AuthUserRow row, String username, boolean pending, UserProfile profile,
        boolean deleted, boolean resync, boolean slotSnapshot, SentOutputs sent) {

    UserState {
        // States stored as JSON by earlier releases have no record of what they sent.
        sent = sent == null ? SentOutputs.NOTHING : sent;
    }

    /** @param released the username the delete released, null if none */
    static UserState deleted(long lsn, long tsMs, String released, SentOutputs sent) {
        return new UserState(lsn, tsMs, null, released, false, null, true, false, false, sent);
    }

    static UserState awaitingUsername(long lsn, long tsMs, AuthUserRow row, boolean resync, boolean slotSnapshot) {
        return new UserState(lsn, tsMs, row, null, true, null, false, resync, slotSnapshot, SentOutputs.NOTHING);
    }

    /** A username held in public.users by a user whose first change has not been seen yet. */
    static UserState reserved(String username) {
        return new UserState(Long.MIN_VALUE, 0, null, username, false, null, false, false, false, SentOutputs.NOTHING);
    }

    static UserState published(long lsn, long tsMs, AuthUserRow row, UserProfile profile, boolean slotSnapshot,
            SentOutputs sent) {
        return new UserState(lsn, tsMs, row, profile.username(), false, profile, false, false, slotSnapshot, sent);
    }

    boolean live() {
        return !deleted;
    }
}
