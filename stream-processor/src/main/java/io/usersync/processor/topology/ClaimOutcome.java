package io.usersync.processor.topology;

/** Output of the claims step: a username for a user (keyed by user id), or a claim to retry under another root. */
record ClaimOutcome(String assignedUsername, UsernameClaim retry) {

    static ClaimOutcome assigned(String username) {
        return new ClaimOutcome(username, null);
    }

    static ClaimOutcome retry(UsernameClaim claim) {
        return new ClaimOutcome(null, claim);
    }
}
