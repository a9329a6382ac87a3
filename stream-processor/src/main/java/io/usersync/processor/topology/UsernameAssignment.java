package io.usersync.processor.topology;

import java.util.Objects;

/**
 * The answer to a claim, on the assignments topic keyed by user id: the username the user now holds
 * ({@code username-assignment.schema.json}). {@link UsernameAssignmentSerde} still reads the plain-text form
 * earlier releases wrote.
 */
record UsernameAssignment(String username) implements ClaimOutcome {

    UsernameAssignment {
        Objects.requireNonNull(username, "username");
    }
}
