package io.usersync.processor.topology;

import io.usersync.schemas.cdc.AuthUserChange;

/** Input of the user-state step: a change of the user's row, or the answer to its username claim. */
record UserInput(AuthUserChange change, UsernameAssignment assignment) {

    static UserInput of(AuthUserChange change) {
        return new UserInput(change, null);
    }

    static UserInput assigned(UsernameAssignment assignment) {
        return new UserInput(null, assignment);
    }
}
