package io.usersync.processor.topology;

import io.usersync.schemas.cdc.AuthUserRow;
import io.usersync.schemas.profile.UserProfile;

/**
 * What the topology remembers of a user, in the {@code user-state} store.
 *
 * @param lsn      source LSN of the newest change applied: older changes are ignored
 * @param tsMs     source commit time of that change
 * @param row      the last known row, to fill in unchanged-TOAST placeholders
 * @param username the user's username; null while a claim is pending
 * @param pending  a claim was sent and its answer has not come back yet
 * @param profile  the last profile published, to tell whether a change is visible
 * @param deleted  the user is deleted; kept so that a late older change cannot bring it back
 * @param resync   the newest change was a snapshot read, to be rewritten whether or not it changed
 */
record UserState(long lsn, long tsMs, AuthUserRow row, String username, boolean pending, UserProfile profile,
        boolean deleted, boolean resync) {

    static UserState deleted(long lsn, long tsMs) {
        return new UserState(lsn, tsMs, null, null, false, null, true, false);
    }

    static UserState awaitingUsername(long lsn, long tsMs, AuthUserRow row, boolean resync) {
        return new UserState(lsn, tsMs, row, null, true, null, false, resync);
    }

    /** A username held in public.users by a user whose first change has not been seen yet. */
    static UserState reserved(String username) {
        return new UserState(Long.MIN_VALUE, 0, null, username, false, null, false, false);
    }

    static UserState published(long lsn, long tsMs, AuthUserRow row, UserProfile profile) {
        return new UserState(lsn, tsMs, row, profile.username(), false, profile, false, false);
    }

    boolean live() {
        return !deleted;
    }
}
