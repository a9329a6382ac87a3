package io.usersync.processor.topology;

import io.usersync.schemas.cdc.AuthUserChange;

/**
 * Input of the user-state step: a change of the user's row, the answer to its username claim, or neither: the
 * tombstone that follows a delete in the CDC topic, the only trace of it once compaction has cleaned the delete away.
 */
record UserInput(AuthUserChange change, UsernameAssignment assignment) {

    static UserInput removed() {
        return new UserInput(null, null);
    }

    boolean isRemoval() {
        return change == null && assignment == null;
    }

    static UserInput of(AuthUserChange change) {
        return new UserInput(change, null);
    }

    static UserInput assigned(UsernameAssignment assignment) {
        return new UserInput(null, assignment);
    }
}
