package io.usersync.processor.username;

/** What a reservation of a username set outside the pipeline decided. */
public sealed interface ReserveResult {

    /** The username was free and is the user's now. */
    record Taken(String username) implements ReserveResult {
    }

    /** The user held it already: the echo of the pipeline's own write. */
    record AlreadyHeld() implements ReserveResult {
    }

    /** Another user holds it: the pipeline gave it out before the reservation came. */
    record Conflict(String owner) implements ReserveResult {
    }
}
