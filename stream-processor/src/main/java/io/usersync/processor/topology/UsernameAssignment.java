package io.usersync.processor.topology;

import java.util.Objects;

/**
 * The answer to a claim, on the assignments topic keyed by user id: the username the user now holds
 * ({@code username-assignment.schema.json}). {@code claimed} tells a claim's answer from a reservation's (a username set
 * outside the pipeline): only a reservation renames a user who has a username already; a claim answered again with
 * another name after a crash does not. {@link UsernameAssignmentSerde} still reads the plain-text form earlier releases
 * wrote; that form, and JSON without {@code claimed}, are read as a reservation's, as those releases treated them.
 */
record UsernameAssignment(String username, boolean claimed) implements ClaimOutcome {

    UsernameAssignment {
        Objects.requireNonNull(username, "username");
    }

    static UsernameAssignment claimed(String username) {
        return new UsernameAssignment(username, true);
    }

    static UsernameAssignment reserved(String username) {
        return new UsernameAssignment(username, false);
    }
}
