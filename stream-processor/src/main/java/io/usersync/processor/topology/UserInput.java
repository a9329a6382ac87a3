package io.usersync.processor.topology;

import io.usersync.schemas.cdc.AuthUserChange;

/** Input of the user-state step: a change of the user's row, or the answer to its username claim. */
record UserInput(AuthUserChange change, String assignedUsername) {

    static UserInput of(AuthUserChange change) {
        return new UserInput(change, null);
    }

    static UserInput assigned(String username) {
        return new UserInput(null, username);
    }
}
