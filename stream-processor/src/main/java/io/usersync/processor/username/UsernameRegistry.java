package io.usersync.processor.username;

import java.util.Objects;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decides who holds which username, on the stores of the task that owns the usernames' roots. Knows
 * nothing of records or contexts, so any processor holding the stores can decide a claim.
 */
public final class UsernameRegistry {

    private final KeyValueStore<String, String> owners;
    private final boolean keepReleased;

    /**
     * @param owners       username -> id of the user who holds it
     * @param keepReleased when true, a released username stays with its last holder
     */
    public UsernameRegistry(KeyValueStore<String, String> owners, boolean keepReleased) {
        this.owners = owners;
        this.keepReleased = keepReleased;
    }

    /**
     * Gives the user {@code preferred} if it is free or theirs, else the first free candidate of {@code base}
     * (one the user holds already counts as free).
     */
    public ClaimResult claim(String userId, String base, String preferred) {
        if (preferred != null) {
            String owner = owners.get(preferred);
            if (owner == null || owner.equals(userId)) {
                take(preferred, owner, userId);
                return new ClaimResult.Assigned(preferred, false);
            }
            String baseRoot = UsernameBase.root(base);
            if (!baseRoot.equals(UsernameBase.root(preferred))) {
                return new ClaimResult.RetryUnderRoot(baseRoot);
            }
        }
        for (int n = 1; ; n++) {
            String candidate = UsernameBase.candidate(base, n);
            String owner = owners.get(candidate);
            if (owner == null || owner.equals(userId)) {
                take(candidate, owner, userId);
                return new ClaimResult.Assigned(candidate, n > 1 && owner == null);
            }
        }
    }

    /** Frees the username if the user holds it, unless released usernames are kept; true if freed. */
    public boolean release(String userId, String username) {
        if (keepReleased || !Objects.equals(owners.get(username), userId)) {
            return false;
        }
        owners.delete(username);
        return true;
    }

    /** Gives the user a username set outside the pipeline, if nobody else holds it. */
    public ReserveResult reserve(String userId, String username) {
        String owner = owners.get(username);
        if (owner == null) {
            owners.put(username, userId);
            return new ReserveResult.Taken(username);
        }
        return owner.equals(userId) ? new ReserveResult.AlreadyHeld() : new ReserveResult.Conflict(owner);
    }

    private void take(String username, String owner, String userId) {
        if (owner == null) {
            owners.put(username, userId);
        }
    }
}
