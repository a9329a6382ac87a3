package io.usersync.processor.username;

/** What a claim decided: a username for the user, or where to claim again. */
public sealed interface ClaimResult {

    /**
     * The user holds {@code username} now.
     *
     * @param numbered the base was taken and a free numbered candidate was given instead
     */
    record Assigned(String username, boolean numbered) implements ClaimResult {
    }

    /**
     * The preferred username is held by someone else and the base's candidates belong to another root:
     * claim again, without preference, in the task that owns {@code root}.
     */
    record RetryUnderRoot(String root) implements ClaimResult {
    }
}
