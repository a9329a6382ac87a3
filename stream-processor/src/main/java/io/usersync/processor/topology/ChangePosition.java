package io.usersync.processor.topology;

import io.usersync.schemas.cdc.AuthUserChange;

/**
 * Where a change of a user is applied: at its LSN, except right after a row of a slot's snapshot. A transaction begun
 * before a new replication slot's consistent point and committed after it reaches the stream with its changes at their
 * own LSNs, below the snapshot's, though the snapshot does not hold them: each is applied just after the snapshot's row
 * (its LSN + 1, + 2...), and the state stays in the snapshot's epoch for the transaction's other changes of the user.
 *
 * @param lsn                the position to compare with the state's and to publish
 * @param slotSnapshot       the state that applies the change is in a slot snapshot's epoch
 *                           ({@link UserState#slotSnapshot()})
 * @param acrossSlotSnapshot the change was moved after the snapshot's row
 */
record ChangePosition(long lsn, boolean slotSnapshot, boolean acrossSlotSnapshot) {

    static ChangePosition of(AuthUserChange change, UserState state) {
        long lsn = change.source().position().orElseThrow();
        if (state != null && state.slotSnapshot() && !change.isRead() && lsn <= state.lsn()) {
            return new ChangePosition(state.lsn() + 1, true, true);
        }
        return new ChangePosition(lsn, change.isSlotSnapshotRead(), false);
    }
}
