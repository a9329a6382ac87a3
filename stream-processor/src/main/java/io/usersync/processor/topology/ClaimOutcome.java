package io.usersync.processor.topology;

/**
 * Output of the claims step: a username for a user ({@link UsernameAssignment}, keyed by user id, bound for the
 * assignments topic), or a claim to retry under another root ({@link Retry}, keyed by that root).
 */
sealed interface ClaimOutcome permits UsernameAssignment, ClaimOutcome.Retry {

    record Retry(UsernameClaim.Claim claim) implements ClaimOutcome {
    }
}
